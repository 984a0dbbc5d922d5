import { bigint, date, index, jsonb, pgEnum, pgTable, primaryKey, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'
import { memberships } from './members.js'
import { socialAccounts } from './social-accounts.js'
import { approvalPolicies } from './brands.js'

export const CAMPAIGN_OBJECTIVES = ['awareness', 'engagement', 'traffic', 'leads', 'conversions', 'sales', 'community'] as const
export const CAMPAIGN_STATUSES = ['draft', 'planned', 'active', 'paused', 'completed', 'archived'] as const
export const campaignObjectiveEnum = pgEnum('campaign_objective', CAMPAIGN_OBJECTIVES)
export const campaignStatusEnum = pgEnum('campaign_status', CAMPAIGN_STATUSES)

/** One KPI target of a campaign, e.g. { metric: 'engagements', target: 5000, window: 'P7D' }. */
export interface KpiTarget { metric: string, target: number, window?: string | null }

export const campaigns = pgTable('campaigns', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  brief: text(),
  objective: campaignObjectiveEnum().notNull(),
  status: campaignStatusEnum().notNull().default('draft'),
  /** Calendar dates in the brand's time zone. */
  startsOn: date({ mode: 'string' }),
  endsOn: date({ mode: 'string' }),
  /** Money as integer minor units + ISO 4217 code; both null when there is no budget. */
  budgetAmountMinor: bigint({ mode: 'number' }),
  budgetCurrency: text(),
  kpiTargets: jsonb().$type<KpiTarget[]>().notNull().default([]),
  tags: text().array().notNull().default([]),
  ownerId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
  /** Overrides the brand's approval policy for this campaign's content. */
  approvalPolicyId: uuid().references((): AnyPgColumn => approvalPolicies.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('campaigns_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('campaigns_org_name_idx').on(t.organizationId, t.name, t.id),
  index('campaigns_org_starts_idx').on(t.organizationId, t.startsOn, t.id),
  index('campaigns_brand_idx').on(t.brandId, t.createdAt, t.id),
  index('campaigns_owner_idx').on(t.ownerId),
  index('campaigns_approval_policy_idx').on(t.approvalPolicyId)
])

/** The social accounts a campaign runs on (same brand only; checked by the service). */
export const campaignChannels = pgTable('campaign_channels', {
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  campaignId: uuid().notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
  socialAccountId: uuid().notNull().references(() => socialAccounts.id, { onDelete: 'cascade' }),
  createdAt: createdAt()
}, (t) => [
  primaryKey({ columns: [t.campaignId, t.socialAccountId] }),
  index('campaign_channels_account_idx').on(t.socialAccountId),
  index('campaign_channels_org_idx').on(t.organizationId)
])
