// What other modules may use of webhooks: `app.webhooks` (the service), the reply shapes and
// the events. Deliveries are fed from the events outbox; no other module calls in to send.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { WebhookSchema } from './webhooks.schemas.js'
import type { WebhooksService } from './webhooks.service.js'

export type { WebhooksService } from './webhooks.service.js'
export type { WebhookDto, DeliveryDto, AttemptDto, EventTypeDto } from './webhooks.schemas.js'

export const WEBHOOK_EVENTS = {
  'webhook.created': 'A webhook subscription was created (its secret is never part of any event).',
  'webhook.updated': 'A webhook subscription changed (URL, event types, brand, description, enabled).',
  'webhook.deleted': 'A webhook subscription was deleted; nothing more is sent to it.',
  'webhook.secret_rotated': "A webhook's signing secret was rotated; the previous one signs too until the overlap ends.",
  'webhook.disabled': 'Herald disabled a webhook: its receiver answered 410 Gone, or kept failing. The reason is on the subscription.',
  'webhook.test': 'A test event, sent on request (POST /v1/webhooks/{id}/test) to that subscription only.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const WEBHOOK_EVENT_DATA = {
  'webhook.created': z.strictObject({ webhook: WebhookSchema }),
  'webhook.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), webhook: WebhookSchema }),
  'webhook.deleted': z.strictObject({ webhook: WebhookSchema }),
  'webhook.secret_rotated': z.strictObject({ webhook: WebhookSchema, overlapHours: z.number().describe('Hours the previous secret keeps signing.') }),
  'webhook.disabled': z.strictObject({ webhook: WebhookSchema, reason: z.enum(['gone', 'failing']), detail: z.string() }),
  'webhook.test': z.strictObject({ webhook: WebhookSchema, message: z.string() })
} satisfies EventDataSchemas<typeof WEBHOOK_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof WEBHOOK_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhooksService
  }
}
