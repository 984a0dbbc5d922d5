import fp from 'fastify-plugin'
import { createGuestReviewRepository } from './guest-review.repository.js'
import { createGuestLinksService, type GuestLinksService } from './guest-links.service.js'
import { createGuestReviewService, type GuestReviewService } from './guest-review.service.js'
import { guestLinksRoutes } from './guest-links.routes.js'
import { guestReviewRoutes } from './guest-review.routes.js'
import { guestLinksResolvers } from './guest-links.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    guestLinks: GuestLinksService
    guestReview: GuestReviewService
  }
}

export default fp(async (app) => {
  const repo = createGuestReviewRepository(app.cursors)
  const links = createGuestLinksService({ repo, record: app.events.record, jwt: app.jwt })
  const review = createGuestReviewService({ repo, comments: app.comments, timeline: app.timeline, approvals: app.approvalRequests, record: app.events.record })
  app.decorate('guestLinks', links)
  app.decorate('guestReview', review)
  await app.register(guestLinksRoutes, { service: links })
  await app.register(guestReviewRoutes, { service: review })
  app.graphql.defineResolvers(guestLinksResolvers(links))
}, { name: 'guest-review-module', dependencies: ['auth', 'events-module', 'approvals-module', 'approval-requests-module', 'comments-module', 'timeline-module', 'graphql'] })
