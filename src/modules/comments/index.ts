import fp from 'fastify-plugin'
import { createCommentsRepository } from './comments.repository.js'
import { createCommentsQueries } from './comments.queries.js'
import { createCommentsService } from './comments.service.js'
import { commentsRoutes } from './comments.routes.js'
import { commentsLoaders, commentsResolvers } from './comments.resolvers.js'
import { COMMENT_EVENTS, COMMENT_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createCommentsService({ repo: createCommentsRepository(app.cursors), queries: createCommentsQueries(), members: app.members, record: app.events.record })
  app.decorate('comments', service)
  app.events.define(COMMENT_EVENTS, COMMENT_EVENT_DATA)
  await app.register(commentsRoutes, { service })
  app.graphql.defineResolvers(commentsResolvers(service))
  app.nodes.define({ type: 'Comment', table: 'content_comments', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(commentsLoaders(service))
}, { name: 'comments-module', dependencies: ['events-module', 'members-module', 'content-items-module', 'graphql'] })
