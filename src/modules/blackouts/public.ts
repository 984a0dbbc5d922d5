// What other modules may use of blackouts: `app.blackouts` (which window covers an instant),
// the reply shape and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { BlackoutSchema } from './blackouts.schemas.js'
import type { BlackoutsService } from './blackouts.service.js'

export type { BlackoutsService } from './blackouts.service.js'
export type { BlackoutDto } from './blackouts.schemas.js'

export const BLACKOUT_EVENTS = {
  'brand.blackout_created': 'A blackout window was declared for a brand: nothing may be scheduled or published inside it. Lists the items already planned in it.',
  'brand.blackout_deleted': 'A blackout window was removed.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const BLACKOUT_EVENT_DATA = {
  'brand.blackout_created': z.strictObject({ blackout: BlackoutSchema, conflictingContentItemIds: z.array(z.uuid()).describe('Scheduled items inside the window (they will not publish).') }),
  'brand.blackout_deleted': z.strictObject({ blackout: BlackoutSchema })
} satisfies EventDataSchemas<typeof BLACKOUT_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof BLACKOUT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    blackouts: BlackoutsService
  }
}
