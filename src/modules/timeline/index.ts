import fp from 'fastify-plugin'
import { createTimelineRepository } from './timeline.repository.js'
import { createTimelineService, type TimelineService } from './timeline.service.js'
import { timelineRoutes } from './timeline.routes.js'
import { timelineLoaders } from './timeline.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** An item's revisions, status changes, decisions and comments in time order. */
    timeline: TimelineService
  }
}

export default fp(async (app) => {
  const service = createTimelineService({ repo: createTimelineRepository(app.cursors) })
  app.decorate('timeline', service)
  await app.register(timelineRoutes, { service })
  app.graphql.defineLoaders(timelineLoaders(service))
}, { name: 'timeline-module', dependencies: ['content-items-module', 'comments-module', 'graphql'] })
