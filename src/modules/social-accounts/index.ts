import fp from 'fastify-plugin'
import { createSocialAccountsRepository } from './social-accounts.repository.js'
import { createSocialAccountsService, type SocialAccountsService } from './social-accounts.service.js'
import { socialAccountsRoutes } from './social-accounts.routes.js'
import { socialAccountsLoaders, socialAccountsResolvers } from './social-accounts.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    socialAccounts: SocialAccountsService
  }
}

export default fp(async (app) => {
  const service = createSocialAccountsService({ repo: createSocialAccountsRepository(app.cursors), brands: app.brands, record: app.events.record })
  app.decorate('socialAccounts', service)
  await app.register(socialAccountsRoutes, { service })
  app.graphql.defineResolvers(socialAccountsResolvers(service))
  app.graphql.defineLoaders(socialAccountsLoaders(service, app.brands))
}, { name: 'social-accounts-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
