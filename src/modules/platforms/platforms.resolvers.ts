import type { IResolvers } from 'mercurius'
import { parseArgs } from '../../graphql/connection.js'
import { CheckBody } from './platforms.schemas.js'
import type { PlatformsService } from './platforms.service.js'

/** GraphQL sends omitted optional fields as null; the REST schema defaults absent ones. */
const withoutNulls = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input ?? {}).filter(([k, v]) => v !== null || k === 'firstComment' || k === 'link'))

export function platformsResolvers (service: PlatformsService): IResolvers {
  return {
    Query: {
      platforms: async (_root, _args, { ctx }) => service.list(ctx).data,
      platform: async (_root, args, { ctx }) => service.get(ctx, args.name).rules,
      checkPlatformContent: async (_root, args, { ctx }) => {
        const content = withoutNulls(args.content)
        if (Array.isArray(content.media)) content.media = content.media.map((m: Record<string, unknown>) => withoutNulls(m))
        return service.check(ctx, parseArgs(CheckBody, { platform: args.platform, content }))
      }
    }
  }
}
