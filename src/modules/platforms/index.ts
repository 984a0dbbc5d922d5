import fp from 'fastify-plugin'
import { createPlatformsService, type PlatformsService } from './platforms.service.js'
import { platformsRoutes } from './platforms.routes.js'
import { platformsResolvers } from './platforms.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    platforms: PlatformsService
  }
}

// Platform rules: GET /v1/platforms, GET /v1/platforms/{platform}, POST /v1/platforms/check and
// their GraphQL fields. Other modules call checkTarget (platform-rules.ts) directly: it is a pure
// function of the facts table and needs no service.
export default fp(async (app) => {
  const service = createPlatformsService()
  app.decorate('platforms', service)
  await app.register(platformsRoutes, { service })
  app.graphql.defineResolvers(platformsResolvers(service))
}, { name: 'platforms-module', dependencies: ['graphql'] })
