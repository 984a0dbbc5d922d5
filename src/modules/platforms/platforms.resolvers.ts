import type { IResolvers } from 'mercurius'
import { parseInput } from '../../graphql/input.js'
import { CheckBody } from './platforms.schemas.js'
import type { PlatformsService } from './platforms.service.js'

export function platformsResolvers (service: PlatformsService): IResolvers {
  return {
    Query: {
      platforms: async (_root, _args, { ctx }) => service.list(ctx).data,
      platform: async (_root, args, { ctx }) => service.get(ctx, args.name).rules,
      checkPlatformContent: async (_root, args, { ctx }) =>
        service.check(ctx, parseInput(CheckBody, { platform: args.platform, content: args.content }))
    }
  }
}
