import type { IResolvers } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { CreateGuestLinkBody, GuestLinkListQuery } from './guest-links.schemas.js'
import type { GuestLinksService } from './guest-links.service.js'

// GraphQL for managing guest links (the guest's own routes are REST only).

const Id = z.uuid()

export function guestLinksResolvers (service: GuestLinksService): IResolvers {
  return {
    Query: {
      guestLinks: async (_root, args, { ctx }, info) => {
        const { requestId, ...page } = args
        return await resolveConnection(GuestLinkListQuery, page, async (q) => await service.list(ctx, parseArgs(Id, requestId), q), info)
      }
    },
    Mutation: {
      createGuestLink: async (_root, args, { ctx }) => {
        const input = Object.fromEntries(Object.entries(args.input ?? {}).filter(([, v]) => v !== null))
        const { token, ...link } = await service.create(ctx, parseArgs(Id, args.requestId), parseArgs(CreateGuestLinkBody, input))
        return { link, token }
      },
      revokeGuestLink: async (_root, args, { ctx }) => await service.revoke(ctx, parseArgs(Id, args.id))
    }
  }
}
