// What other modules may use of guest review: its events. (Guest links authenticate through
// the credential source the auth plugin asks this module for.)
import type { GuestLinksService } from './guest-links.service.js'
import type { GuestReviewService } from './guest-review.service.js'

export const GUEST_REVIEW_EVENTS = {
  'guest_link.created': 'A guest review link was issued for an approval request (its token is never part of any event).',
  'guest_link.revoked': 'A guest review link was revoked; it no longer opens the review.',
  'guest_review.viewed': 'A guest opened their review page (at most once every ten minutes per link).'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof GUEST_REVIEW_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    guestLinks: GuestLinksService
    guestReview: GuestReviewService
  }
}
