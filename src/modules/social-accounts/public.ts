// What other modules may use of social accounts: `app.socialAccounts` (accounts named in a
// body, batched reads for GraphQL edges, hooks before an account goes), the reply shape, the
// events.
import type { SocialAccountsService } from './social-accounts.service.js'

export type { SocialAccountsService, SocialAccountHooks, PathOf } from './social-accounts.service.js'
export type { SocialAccountDto } from './social-accounts.schemas.js'

export const SOCIAL_ACCOUNT_EVENTS = {
  'social_account.created': 'A social account (a channel of a brand on one network) was added.',
  'social_account.updated': "A social account's handle, display name or external id changed.",
  'social_account.deleted': 'A social account was deleted (campaigns that ran on it dropped it from their channels).'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof SOCIAL_ACCOUNT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    socialAccounts: SocialAccountsService
  }
}
