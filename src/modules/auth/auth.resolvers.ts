import type { IResolvers } from 'mercurius'
import type { AuthService } from './auth.service.js'

export function authResolvers (service: AuthService): IResolvers {
  return {
    Query: {
      viewer: async (_root, _args, { ctx }) => await service.me(ctx)
    }
  }
}
