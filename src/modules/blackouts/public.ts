// What other modules may use of blackouts: `app.blackouts` (which window covers an instant),
// the reply shape and the events.
import type { BlackoutsService } from './blackouts.service.js'

export type { BlackoutsService } from './blackouts.service.js'
export type { BlackoutDto } from './blackouts.schemas.js'

export const BLACKOUT_EVENTS = {
  'brand.blackout_created': 'A blackout window was declared for a brand: nothing may be scheduled or published inside it. Lists the items already planned in it.',
  'brand.blackout_deleted': 'A blackout window was removed.'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof BLACKOUT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    blackouts: BlackoutsService
  }
}
