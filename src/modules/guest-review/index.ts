import fp from 'fastify-plugin'
import { createGuestReviewRepository } from './guest-review.repository.js'
import { createGuestReviewQueries } from './guest-review.queries.js'
import { createGuestLinksService } from './guest-links.service.js'
import { createGuestReviewService } from './guest-review.service.js'
import { guestLinksRoutes } from './guest-links.routes.js'
import { guestReviewRoutes } from './guest-review.routes.js'
import { guestLinksResolvers } from './guest-links.resolvers.js'
import { GUEST_REVIEW_EVENTS, GUEST_REVIEW_EVENT_DATA } from './public.js'
import { guestLinkSource } from './guest-links.credentials.js'

export default fp(async (app) => {
  const repo = createGuestReviewRepository(app.cursors)
  const queries = createGuestReviewQueries()
  const links = createGuestLinksService({ repo, queries, record: app.events.record, jwt: app.jwt })
  const review = createGuestReviewService({ repo, queries, comments: app.comments, timeline: app.timeline, approvals: app.approvalRequests, record: app.events.record })
  app.decorate('guestLinks', links)
  app.decorate('guestReview', review)
  app.credentialSources.register('guest', guestLinkSource)
  app.events.define(GUEST_REVIEW_EVENTS, GUEST_REVIEW_EVENT_DATA)
  await app.register(guestLinksRoutes, { service: links })
  await app.register(guestReviewRoutes, { service: review })
  app.graphql.defineResolvers(guestLinksResolvers(links))
  app.nodes.define({ type: 'GuestLink', table: 'approval_guest_links', get: async (ctx, id) => await links.get(ctx, id) })
}, { name: 'guest-review-module', dependencies: ['auth', 'events-module', 'approval-requests-module', 'comments-module', 'timeline-module', 'graphql'] })
