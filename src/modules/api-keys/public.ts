// What other modules may use of API keys: the reply shape and the events. (Keys authenticate
// through the credential source this module registers with the auth plugin.)
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { ApiKeySchema } from './api-keys.schemas.js'
export type { ApiKeysService } from './api-keys.service.js'
export type { ApiKeyDto } from './api-keys.schemas.js'

export const API_KEY_EVENTS = {
  'api_key.created': 'An API key was issued (its secret is never part of any event).',
  'api_key.revoked': 'An API key was revoked; it no longer authenticates.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const API_KEY_EVENT_DATA = {
  'api_key.created': z.strictObject({ apiKey: ApiKeySchema }),
  'api_key.revoked': z.strictObject({ apiKey: ApiKeySchema })
} satisfies EventDataSchemas<typeof API_KEY_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof API_KEY_EVENTS, true> {}
}
