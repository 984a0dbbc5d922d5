import fp from 'fastify-plugin'
import { createTimelineQueries } from './timeline.queries.js'
import { createTimelineService } from './timeline.service.js'
import { timelineRoutes } from './timeline.routes.js'
import { timelineLoaders } from './timeline.resolvers.js'
import './public.js'

export default fp(async (app) => {
  const service = createTimelineService({ queries: createTimelineQueries(app.cursors) })
  app.decorate('timeline', service)
  await app.register(timelineRoutes, { service })
  app.graphql.defineLoaders(timelineLoaders(service))
}, { name: 'timeline-module', dependencies: ['content-items-module', 'comments-module', 'graphql'] })
