// What other modules may use of campaigns: `app.campaigns` (batched reads for GraphQL edges),
// the reply shape and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { CampaignSchema, CampaignStatusSchema } from './campaigns.schemas.js'
import type { CampaignsService } from './campaigns.service.js'

export type { CampaignsService } from './campaigns.service.js'
export type { CampaignDto } from './campaigns.schemas.js'

export const CAMPAIGN_EVENTS = {
  'campaign.created': 'A campaign was planned for a brand.',
  'campaign.updated': "A campaign's fields changed (name, brief, dates, budget, KPI targets, channels, owner, approval policy…).",
  'campaign.status_changed': "A campaign's status moved (draft → planned → active ⇄ paused → completed → archived).",
  'campaign.deleted': 'A draft campaign was deleted.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const CAMPAIGN_EVENT_DATA = {
  'campaign.created': z.strictObject({ campaign: CampaignSchema }),
  'campaign.updated': z.strictObject({
    changed: z.array(z.string()).describe('The fields that changed.'),
    reason: z.literal('social_account.deleted').optional().describe('Present when Herald changed the campaign itself: a social account it ran on was deleted and left its channels.'),
    socialAccountId: z.uuid().optional().describe('With `reason`: the deleted social account.'),
    campaign: CampaignSchema
  }),
  'campaign.status_changed': z.strictObject({ from: CampaignStatusSchema, to: CampaignStatusSchema, campaign: CampaignSchema }),
  'campaign.deleted': z.strictObject({ campaign: CampaignSchema, reason: z.literal('brand_deleted').optional().describe('Present when the campaign went with its brand.') })
} satisfies EventDataSchemas<typeof CAMPAIGN_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof CAMPAIGN_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    campaigns: CampaignsService
  }
}
