// What other modules may use of campaigns: `app.campaigns` (batched reads for GraphQL edges),
// the reply shape and the events.
import type { CampaignsService } from './campaigns.service.js'

export type { CampaignsService } from './campaigns.service.js'
export type { CampaignDto } from './campaigns.schemas.js'

export const CAMPAIGN_EVENTS = {
  'campaign.created': 'A campaign was planned for a brand.',
  'campaign.updated': "A campaign's fields changed (name, brief, dates, budget, KPI targets, channels, owner, approval policy…).",
  'campaign.status_changed': "A campaign's status moved (draft → planned → active ⇄ paused → completed → archived).",
  'campaign.deleted': 'A draft campaign was deleted.'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof CAMPAIGN_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    campaigns: CampaignsService
  }
}
