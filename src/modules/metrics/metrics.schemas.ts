import { z } from 'zod'
import { BASE_METRICS } from '../../lib/metrics-vocabulary.js'
import { METRIC_GRANULARITIES, METRIC_SUBJECT_TYPES } from '../../db/tables/metrics.js'
import { CONTENT_KINDS } from '../../db/tables/content-items.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { DEFINITION_OF, METRIC_DEFINITIONS } from './metrics.catalogue.js'

export const MAX_POINTS = 10_000
/** A report's date range is at most this many days (a year and a bit, for year-over-year months). */
export const MAX_RANGE_DAYS = 400

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))
const dateSchema = z.iso.date({ message: 'must be a date as YYYY-MM-DD' })
const instantSchema = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 instant such as 2026-03-29T10:00:00Z' })
const WHOLE_HOUR = /T\d\d:00(:00(\.0+)?)?(Z|[+-]\d\d:?\d\d)$/
// The two schemas' own patterns, tested directly in the per-point check below: a safeParse per
// point and per format costs a third of validating a 10,000-point batch.
const DATE_PATTERN = z.regexes.date
const INSTANT_PATTERN = z.regexes.datetime({ offset: true })

export const SubjectTypeSchema = z.enum(METRIC_SUBJECT_TYPES)
export const GranularitySchema = z.enum(METRIC_GRANULARITIES)

export const MetricPointSchema = z.strictObject({
  subjectType: SubjectTypeSchema,
  subjectId: z.uuid(),
  /** Content items only: the network account these numbers come from. */
  socialAccountId: z.uuid().nullable().optional(),
  metric: z.enum(BASE_METRICS),
  granularity: GranularitySchema,
  /** An instant (the period's start), or for days a date: that day's midnight in the brand's time zone. */
  periodStart: z.string().max(40),
  value: z.number().min(0).max(1e15),
  currency: z.string().max(3).nullable().optional(),
  source: z.string().trim().min(1).max(100),
  collectedAt: instantSchema
}).superRefine((p, ctx) => {
  const isDate = DATE_PATTERN.test(p.periodStart)
  if (!isDate && !INSTANT_PATTERN.test(p.periodStart)) {
    ctx.addIssue({ code: 'custom', path: ['periodStart'], message: 'must be an RFC 3339 instant, or for a day a date (YYYY-MM-DD)' })
  } else if (p.granularity === 'hour' && (isDate || !WHOLE_HOUR.test(p.periodStart))) {
    ctx.addIssue({ code: 'custom', path: ['periodStart'], message: 'an hour starts on a whole hour (2026-03-29T10:00:00Z)' })
  }
  const money = DEFINITION_OF.get(p.metric)?.unit === 'money'
  if (money && !(p.currency && CURRENCIES.has(p.currency))) {
    ctx.addIssue({ code: 'custom', path: ['currency'], message: `${p.metric} is money: give its ISO 4217 currency in capitals, such as EUR` })
  }
  if (!money && p.currency != null) ctx.addIssue({ code: 'custom', path: ['currency'], message: `${p.metric} is not money: leave currency out` })
  if (p.socialAccountId != null && p.subjectType !== 'content_item') {
    ctx.addIssue({ code: 'custom', path: ['socialAccountId'], message: 'only a content item point names the account its numbers come from' })
  }
})
export type MetricPoint = z.infer<typeof MetricPointSchema>

export const IngestBody = z.strictObject({
  points: z.array(MetricPointSchema).min(1).max(MAX_POINTS, { message: `at most ${MAX_POINTS} points per request: split the batch` })
})

// ---- the fast path of ingestion's validation ----------------------------------------------

const POINT_KEYS = new Set(['subjectType', 'subjectId', 'socialAccountId', 'metric', 'granularity', 'periodStart', 'value', 'currency', 'source', 'collectedAt'])
const SUBJECT_TYPE_SET = new Set<string>(METRIC_SUBJECT_TYPES)
const GRANULARITY_SET = new Set<string>(METRIC_GRANULARITIES)
const METRIC_SET = new Set<string>(BASE_METRICS)
const UUID_PATTERN = z.regexes.uuid()
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID_PATTERN.test(v)
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * IngestBody's checks written out by hand, for a batch that passes them all: the points as
 * IngestBody would give them, or null at the first doubt, and then IngestBody itself runs and
 * names every problem. zod costs ~50 ms on 10,000 valid points; this, a few. It accepts
 * nothing IngestBody refuses (test/unit/metrics-fast-validation.test.ts compares the two).
 */
export function parseIngestBodyFast (body: unknown): MetricPoint[] | null {
  if (!isPlainObject(body)) return null
  const keys = Object.keys(body)
  if (keys.length !== 1 || keys[0] !== 'points') return null
  const points = body.points
  if (!Array.isArray(points) || points.length < 1 || points.length > MAX_POINTS) return null
  const out: MetricPoint[] = new Array(points.length)
  for (let i = 0; i < points.length; i++) {
    const p: unknown = points[i]
    if (!isPlainObject(p)) return null
    for (const k in p) if (!POINT_KEYS.has(k)) return null
    const { subjectType, subjectId, socialAccountId, metric, granularity, periodStart, value, currency, source, collectedAt } = p
    if (typeof subjectType !== 'string' || !SUBJECT_TYPE_SET.has(subjectType) || !isUuid(subjectId)) return null
    if (socialAccountId != null && (!isUuid(socialAccountId) || subjectType !== 'content_item')) return null
    if (typeof metric !== 'string' || !METRIC_SET.has(metric) || typeof granularity !== 'string' || !GRANULARITY_SET.has(granularity)) return null
    if (typeof periodStart !== 'string' || periodStart.length > 40) return null
    const isDate = DATE_PATTERN.test(periodStart)
    if (!isDate && !INSTANT_PATTERN.test(periodStart)) return null
    if (granularity === 'hour' && (isDate || !WHOLE_HOUR.test(periodStart))) return null
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1e15) return null
    const money = DEFINITION_OF.get(metric)?.unit === 'money'
    if (money ? !(typeof currency === 'string' && CURRENCIES.has(currency)) : currency != null) return null
    if (typeof source !== 'string') return null
    const trimmed = source.trim()
    if (trimmed.length < 1 || trimmed.length > 100) return null
    if (typeof collectedAt !== 'string' || !INSTANT_PATTERN.test(collectedAt)) return null
    const point = { subjectType, subjectId, metric, granularity, periodStart, value, source: trimmed, collectedAt } as MetricPoint
    if ('socialAccountId' in p) point.socialAccountId = socialAccountId as string | null | undefined
    if ('currency' in p) point.currency = currency as string | null | undefined
    out[i] = point
  }
  return out
}

export const IngestResult = z.object({
  received: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int()
})
export type IngestResult = z.infer<typeof IngestResult>

export const MetricDefinitionSchema = z.object({
  name: z.string(),
  unit: z.enum(['count', 'seconds', 'money', 'ratio']),
  aggregation: z.enum(['sum', 'last', 'rate']),
  appliesTo: z.array(SubjectTypeSchema),
  description: z.string(),
  formula: z.object({ numerator: z.string(), denominator: z.string(), factor: z.number() }).nullable()
})

// ---- reports ----------------------------------------------------------------------------

export const DIMENSIONS = ['brand', 'campaign', 'socialAccount', 'platform', 'contentItem', 'contentKind', 'currency', 'hour', 'day', 'week', 'month'] as const
export type Dimension = typeof DIMENSIONS[number]
export const TIME_DIMENSIONS: readonly Dimension[] = ['hour', 'day', 'week', 'month']

const listOf = <T extends readonly [string, ...string[]]>(values: T, what: string) => z.string().max(200).transform((s, ctx) => {
  const parts = s.split(',').map((x) => x.trim()).filter(Boolean)
  for (const p of parts) {
    if (!(values as readonly string[]).includes(p)) ctx.addIssue({ code: 'custom', message: `${p} is not a ${what}; one of ${values.join(', ')}` })
  }
  return [...new Set(parts)] as Array<T[number]>
})

const rangeCheck = (q: { from: string, to: string }, ctx: z.RefinementCtx) => {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' })
  else if (days >= MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_RANGE_DAYS} days` })
}

const filters = {
  /** First and last day, inclusive, in each brand's time zone. */
  from: dateSchema,
  to: dateSchema,
  brandId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  socialAccountId: z.uuid().optional(),
  platform: z.enum(PLATFORMS).optional(),
  label: z.string().trim().min(1).max(50).optional(),
  subjectType: SubjectTypeSchema.optional(),
  currency: z.string().max(3).regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code in capitals' }).optional(),
  granularity: GranularitySchema.default('day')
}

export const ReportQuery = z.strictObject({
  ...filters,
  groupBy: listOf(DIMENSIONS, 'dimension').default([])
}).superRefine(rangeCheck)
export type ReportQuery = z.infer<typeof ReportQuery>

const RANKABLE = METRIC_DEFINITIONS.map((d) => d.name) as [string, ...string[]]
export const TopContentQuery = z.strictObject({
  ...filters,
  metric: z.enum(RANKABLE).default('engagement_rate'),
  /** Items seen fewer times than this are left out (a post seen once does not top a rate). */
  minImpressions: z.coerce.number().int().min(0).max(1e12).default(100),
  limit: z.coerce.number().int().min(1).max(100).default(10)
}).superRefine(rangeCheck)
export type TopContentQuery = z.infer<typeof TopContentQuery>

export const BestTimesQuery = z.strictObject({ ...filters }).superRefine(rangeCheck)
export type BestTimesQuery = z.infer<typeof BestTimesQuery>

const num = z.number().nullable()
export const RATE_FIELDS = ['engagementRate', 'engagementRateByReach', 'ctr', 'cpc', 'cpm', 'cpa', 'roas', 'roi', 'averageResponseSeconds'] as const
export const SUM_FIELDS = ['impressions', 'reach', 'engagements', 'likes', 'comments', 'shares', 'saves', 'clicks', 'videoViews', 'followers', 'conversions', 'spend', 'revenue', 'mentions', 'negativeMentions', 'responseSecondsTotal', 'responseCount'] as const

export const ReportRowSchema = z.object({
  brandId: z.uuid().optional(),
  campaignId: z.uuid().nullable().optional(),
  socialAccountId: z.uuid().nullable().optional(),
  platform: z.enum(PLATFORMS).nullable().optional(),
  contentItemId: z.uuid().nullable().optional(),
  contentKind: z.enum(CONTENT_KINDS).nullable().optional(),
  period: z.string().optional(),
  currency: z.string().nullable(),
  ...Object.fromEntries(SUM_FIELDS.map((f) => [f, z.number()])) as Record<typeof SUM_FIELDS[number], z.ZodNumber>,
  ...Object.fromEntries(RATE_FIELDS.map((f) => [f, num])) as Record<typeof RATE_FIELDS[number], typeof num>
})
export type ReportRow = z.infer<typeof ReportRowSchema>

export const FreshnessSchema = z.object({
  oldestCollectedAt: z.string().nullable(),
  newestCollectedAt: z.string().nullable(),
  sources: z.array(z.string())
})
export type Freshness = z.infer<typeof FreshnessSchema>

export const ReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  granularity: GranularitySchema,
  groupBy: z.array(z.enum(DIMENSIONS)),
  data: z.array(ReportRowSchema),
  freshness: FreshnessSchema
})
export type Report = z.infer<typeof ReportSchema>

export const TopContentSchema = z.object({
  metric: z.string(),
  from: z.string(),
  to: z.string(),
  minImpressions: z.number(),
  data: z.array(ReportRowSchema),
  freshness: FreshnessSchema
})

export const BestTimeCellSchema = z.object({
  weekday: z.number().int(),
  hour: z.number().int(),
  posts: z.number().int(),
  impressions: z.number(),
  engagements: z.number(),
  engagementRate: num
})
export const BestTimesSchema = z.object({
  from: z.string(),
  to: z.string(),
  data: z.array(BestTimeCellSchema),
  freshness: FreshnessSchema
})

export const KpiProgressSchema = z.object({
  metric: z.string(),
  target: z.number(),
  window: z.string().nullable(),
  actual: num,
  share: num,
  expectedShare: num,
  status: z.enum(['on_track', 'at_risk', 'hit', 'missed'])
})
export const CampaignProgressSchema = z.object({
  campaignId: z.uuid(),
  asOf: z.string(),
  spendToDate: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
  kpis: z.array(KpiProgressSchema),
  freshness: FreshnessSchema
})
export type CampaignProgress = z.infer<typeof CampaignProgressSchema>
