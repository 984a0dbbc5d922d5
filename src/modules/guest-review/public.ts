// What other modules may use of guest review: its events. (Guest links authenticate through
// the credential source the auth plugin asks this module for.)
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { GuestLinkSchema } from './guest-links.schemas.js'
import type { GuestLinksService } from './guest-links.service.js'
import type { GuestReviewService } from './guest-review.service.js'

export const GUEST_REVIEW_EVENTS = {
  'guest_link.created': 'A guest review link was issued for an approval request (its token is never part of any event).',
  'guest_link.revoked': 'A guest review link was revoked; it no longer opens the review.',
  'guest_review.viewed': 'A guest opened their review page (at most once every ten minutes per link).'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const GUEST_REVIEW_EVENT_DATA = {
  'guest_link.created': z.strictObject({ requestId: z.uuid(), contentItemId: z.uuid(), guestLink: GuestLinkSchema }),
  'guest_link.revoked': z.strictObject({ requestId: z.uuid(), contentItemId: z.uuid(), guestLink: GuestLinkSchema }),
  'guest_review.viewed': z.strictObject({ linkId: z.uuid(), contentItemId: z.uuid(), revision: z.number().int() })
} satisfies EventDataSchemas<typeof GUEST_REVIEW_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof GUEST_REVIEW_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    guestLinks: GuestLinksService
    guestReview: GuestReviewService
  }
}
