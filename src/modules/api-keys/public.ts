// What other modules may use of API keys: the reply shape and the events. (Keys authenticate
// through the credential source this module registers with the auth plugin.)
export type { ApiKeysService } from './api-keys.service.js'
export type { ApiKeyDto } from './api-keys.schemas.js'

export const API_KEY_EVENTS = {
  'api_key.created': 'An API key was issued (its secret is never part of any event).',
  'api_key.revoked': 'An API key was revoked; it no longer authenticates.'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof API_KEY_EVENTS, true> {}
}
