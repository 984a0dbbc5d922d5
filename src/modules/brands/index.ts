import fp from 'fastify-plugin'
import { createBrandsRepository } from './brands.repository.js'
import { createBrandsService } from './brands.service.js'
import { brandsRoutes } from './brands.routes.js'
import { brandsResolvers } from './brands.resolvers.js'
import { BRAND_EVENTS, BRAND_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createBrandsService({ repo: createBrandsRepository(app.cursors), record: app.events.record })
  app.decorate('brands', service)
  app.events.define(BRAND_EVENTS, BRAND_EVENT_DATA)
  await app.register(brandsRoutes, { service })
  app.graphql.defineResolvers(brandsResolvers(service))
  app.nodes.define({ type: 'Brand', table: 'brands', get: async (ctx, id) => await service.get(ctx, id) })
}, { name: 'brands-module', dependencies: ['events-module', 'graphql'] })
