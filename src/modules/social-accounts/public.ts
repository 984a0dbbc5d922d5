// What other modules may use of social accounts: `app.socialAccounts` (accounts named in a
// body, batched reads for GraphQL edges, hooks before an account goes), the reply shape, the
// events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { SocialAccountSchema } from './social-accounts.schemas.js'
import type { SocialAccountsService } from './social-accounts.service.js'

export type { SocialAccountsService, SocialAccountHooks, PathOf } from './social-accounts.service.js'
export type { SocialAccountDto } from './social-accounts.schemas.js'

export const SOCIAL_ACCOUNT_EVENTS = {
  'social_account.created': 'A social account (a channel of a brand on one network) was added.',
  'social_account.updated': "A social account's handle, display name or external id changed.",
  'social_account.deleted': 'A social account was deleted (campaigns that ran on it dropped it from their channels).'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const SOCIAL_ACCOUNT_EVENT_DATA = {
  'social_account.created': z.strictObject({ socialAccount: SocialAccountSchema }),
  'social_account.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), socialAccount: SocialAccountSchema }),
  'social_account.deleted': z.strictObject({ socialAccount: SocialAccountSchema })
} satisfies EventDataSchemas<typeof SOCIAL_ACCOUNT_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof SOCIAL_ACCOUNT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    socialAccounts: SocialAccountsService
  }
}
