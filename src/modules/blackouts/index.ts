import fp from 'fastify-plugin'
import { createBlackoutsRepository } from './blackouts.repository.js'
import { createBlackoutsQueries } from './blackouts.queries.js'
import { createBlackoutsService } from './blackouts.service.js'
import { blackoutsRoutes } from './blackouts.routes.js'
import { blackoutsLoaders, blackoutsResolvers } from './blackouts.resolvers.js'
import { BLACKOUT_EVENTS, BLACKOUT_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createBlackoutsService({
    repo: createBlackoutsRepository(app.cursors),
    queries: createBlackoutsQueries(),
    brands: app.brands,
    record: app.events.record
  })
  app.decorate('blackouts', service)
  app.events.define(BLACKOUT_EVENTS, BLACKOUT_EVENT_DATA)
  await app.register(blackoutsRoutes, { service })
  app.graphql.defineResolvers(blackoutsResolvers(service))
  app.graphql.defineLoaders(blackoutsLoaders(service))
  app.nodes.define({ type: 'Blackout', table: 'brand_blackouts', get: async (ctx, id) => await service.get(ctx, id) })
}, { name: 'blackouts-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
