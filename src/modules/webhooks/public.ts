// What other modules may use of webhooks: `app.webhooks` (the service), the reply shapes and
// the events. Deliveries are fed from the events outbox; no other module calls in to send.
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

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof WEBHOOK_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhooksService
  }
}
