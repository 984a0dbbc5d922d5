import fp from 'fastify-plugin'
import { createPlatformsService } from './platforms.service.js'
import { platformsRoutes } from './platforms.routes.js'
import { platformsResolvers } from './platforms.resolvers.js'

// Platform rules: GET /v1/platforms, GET /v1/platforms/{platform}, POST /v1/platforms/check and
// their GraphQL fields. Other modules call checkTarget (public.ts) directly: it is a pure
// function of the facts table and needs no service.
export default fp(async (app) => {
  await app.register(platformsRoutes, { service: createPlatformsService() })
  app.graphql.defineResolvers(platformsResolvers(createPlatformsService()))
}, { name: 'platforms-module', dependencies: ['graphql'] })
