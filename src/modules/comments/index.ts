import fp from 'fastify-plugin'
import { createCommentsRepository } from './comments.repository.js'
import { createCommentsService, type CommentsService } from './comments.service.js'
import { commentsRoutes } from './comments.routes.js'
import { commentsLoaders, commentsResolvers } from './comments.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Comments on content items; `createAsGuest` and `sharedForGuest` serve guest review. */
    comments: CommentsService
  }
}

export default fp(async (app) => {
  const service = createCommentsService({ repo: createCommentsRepository(app.cursors), members: app.membersRepo, record: app.events.record })
  app.decorate('comments', service)
  await app.register(commentsRoutes, { service })
  app.graphql.defineResolvers(commentsResolvers(service))
  app.graphql.defineLoaders(commentsLoaders(service))
}, { name: 'comments-module', dependencies: ['events-module', 'members-module', 'content-items-module', 'graphql'] })
