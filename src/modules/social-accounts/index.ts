import fp from 'fastify-plugin'
import { createSocialAccountsRepository } from './social-accounts.repository.js'
import { createSocialAccountsService } from './social-accounts.service.js'
import { socialAccountsRoutes } from './social-accounts.routes.js'
import { socialAccountsLoaders, socialAccountsResolvers } from './social-accounts.resolvers.js'
import { SOCIAL_ACCOUNT_EVENTS, SOCIAL_ACCOUNT_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createSocialAccountsService({ repo: createSocialAccountsRepository(app.cursors), brands: app.brands, record: app.events.record })
  app.decorate('socialAccounts', service)
  app.events.define(SOCIAL_ACCOUNT_EVENTS, SOCIAL_ACCOUNT_EVENT_DATA)
  await app.register(socialAccountsRoutes, { service })
  app.graphql.defineResolvers(socialAccountsResolvers(service))
  app.nodes.define({ type: 'SocialAccount', table: 'social_accounts', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(socialAccountsLoaders(service, app.brands))
}, { name: 'social-accounts-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
