import fp from 'fastify-plugin'
import { createContentItemsRepository } from '../content-items/content-items.repository.js'
import { createBlackoutsRepository } from './blackouts.repository.js'
import { createBlackoutsService, type BlackoutsService } from './blackouts.service.js'
import { blackoutsRoutes } from './blackouts.routes.js'
import { blackoutsLoaders, blackoutsResolvers } from './blackouts.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    blackouts: BlackoutsService
  }
}

export default fp(async (app) => {
  const content = createContentItemsRepository(app.cursors)
  const service = createBlackoutsService({
    repo: createBlackoutsRepository(app.cursors),
    brands: app.brands,
    timedItems: async (ctx, brandId, from, to) => await content.idsTimedIn(ctx.actor.orgId, brandId, from, to, ctx.db),
    record: app.events.record
  })
  app.decorate('blackouts', service)
  await app.register(blackoutsRoutes, { service })
  app.graphql.defineResolvers(blackoutsResolvers(service))
  app.graphql.defineLoaders(blackoutsLoaders(service))
}, { name: 'blackouts-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
