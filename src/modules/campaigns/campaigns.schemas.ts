import { z } from 'zod'
import { text } from '../../lib/http.js'
import { METRICS } from '../../lib/metrics-vocabulary.js'
import { pageParams } from '../../lib/pagination.js'
import { CAMPAIGN_OBJECTIVES, CAMPAIGN_STATUSES } from '../../db/tables/campaigns.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

export const CampaignObjective = z.enum(CAMPAIGN_OBJECTIVES)
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES)

export const MAX_KPI_TARGETS = 20
export const MAX_CHANNELS = 100
export const MAX_TAGS = 50

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

/** A calendar date, YYYY-MM-DD, that exists (no 2025-02-30). */
export const dateSchema = z.iso.date({ message: 'must be a date as YYYY-MM-DD' })

export const BudgetSchema = z.strictObject({
  // Minor units (cents) as an integer: money is never a float. 2^53 keeps it exact in JSON.
  amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().max(3).transform((c) => c.toUpperCase()).pipe(
    z.string().refine((c) => CURRENCIES.has(c), { message: 'must be an ISO 4217 currency code such as EUR' })
  )
})
export type Budget = z.infer<typeof BudgetSchema>

/** ISO 8601 duration such as P7D, P1M, PT12H or P1DT12H (no fractions, not P alone). */
const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/

export const KpiTargetSchema = z.strictObject({
  metric: z.enum(METRICS),
  target: z.number().min(0).max(1e15),
  window: z.string().max(32).regex(DURATION, { message: 'must be an ISO 8601 duration such as P7D or PT24H' }).nullable().optional()
})

export const kpiTargetsSchema = z.array(KpiTargetSchema).max(MAX_KPI_TARGETS).superRefine((targets, ctx) => {
  const seen = new Set<string>()
  targets.forEach((t, i) => {
    const key = `${t.metric}|${t.window ?? ''}`
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `a target for ${t.metric}${t.window ? ` over ${t.window}` : ''} is already given` })
    seen.add(key)
  })
})

const channelIdsSchema = z.array(z.uuid()).max(MAX_CHANNELS).refine((a) => new Set(a).size === a.length, { message: 'must not repeat an id' })

/** Trimmed, at most 50 of at most 50 characters; repeats are dropped (first one kept). */
const tagsSchema = z.array(text(50)).max(MAX_TAGS).transform((tags) => [...new Set(tags)])

const briefSchema = z.string().max(20_000).transform((s) => s.trim() || null).nullable()

export const CampaignSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  name: z.string(),
  brief: z.string().nullable(),
  objective: CampaignObjective,
  status: CampaignStatusSchema,
  startsOn: z.string().nullable(),
  endsOn: z.string().nullable(),
  budget: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
  kpiTargets: z.array(z.object({ metric: z.string(), target: z.number(), window: z.string().nullable() })),
  channelIds: z.array(z.uuid()),
  tags: z.array(z.string()),
  ownerId: z.uuid().nullable(),
  /** Overrides the brand's approval policy for this campaign's content; null: the brand's. */
  approvalPolicyId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type CampaignDto = z.infer<typeof CampaignSchema>

export const CreateCampaignBody = z.strictObject({
  brandId: z.uuid(),
  name: text(200),
  brief: briefSchema.optional(),
  objective: CampaignObjective,
  startsOn: dateSchema.nullable().optional(),
  endsOn: dateSchema.nullable().optional(),
  budget: BudgetSchema.nullable().optional(),
  kpiTargets: kpiTargetsSchema.optional(),
  channelIds: channelIdsSchema.optional(),
  tags: tagsSchema.optional(),
  ownerId: z.uuid().nullable().optional(),
  /** One of the brand's approval policies (checked by the approvals module). */
  approvalPolicyId: z.uuid().nullable().optional()
})
export type CreateCampaignInput = z.infer<typeof CreateCampaignBody>

export const UpdateCampaignBody = z.strictObject({
  name: text(200).optional(),
  brief: briefSchema.optional(),
  objective: CampaignObjective.optional(),
  status: CampaignStatusSchema.optional(),
  startsOn: dateSchema.nullable().optional(),
  endsOn: dateSchema.nullable().optional(),
  budget: BudgetSchema.nullable().optional(),
  kpiTargets: kpiTargetsSchema.optional(),
  channelIds: channelIdsSchema.optional(),
  tags: tagsSchema.optional(),
  ownerId: z.uuid().nullable().optional(),
  /** One of the brand's approval policies; null goes back to the brand's. */
  approvalPolicyId: z.uuid().nullable().optional(),
  // Named so that the refusal says why rather than "unknown field".
  brandId: z.never({ error: 'brandId cannot be changed after creation; create the campaign in the other brand instead' }).optional()
})
export type UpdateCampaignInput = z.infer<typeof UpdateCampaignBody>

const listFilters = {
  status: CampaignStatusSchema.optional(),
  objective: CampaignObjective.optional(),
  ownerId: z.uuid().optional(),
  tag: z.string().trim().min(1).max(50).optional(),
  /** The campaign's name, exactly but ignoring case and surrounding spaces (a search by name). */
  name: z.string().trim().min(1).max(200).optional(),
  startsOnFrom: dateSchema.optional(),
  startsOnTo: dateSchema.optional()
}

export const CAMPAIGN_SORTS = ['createdAt', 'name', 'startsOn'] as const

export const CampaignListQuery = z.strictObject({
  ...pageParams(CAMPAIGN_SORTS, '-createdAt'),
  brandId: z.uuid().optional(),
  ...listFilters,
  ...timeRanges
}).superRefine(rangesInOrder)
export type CampaignListQuery = z.infer<typeof CampaignListQuery>

/** Brand.campaigns in GraphQL: the same filters, a page per brand. */
export const BrandCampaignsQuery = z.strictObject({
  ...pageParams(CAMPAIGN_SORTS, '-createdAt'),
  ...listFilters
})
export type BrandCampaignsQuery = z.infer<typeof BrandCampaignsQuery>
