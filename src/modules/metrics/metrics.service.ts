import { authorize, canSeeBrand } from '../../lib/actor.js'
import { together } from '../../lib/together.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, type FieldError } from '../../lib/errors.js'
import { fieldErrorsOf } from '../../lib/http.js'
import { Hook } from '../../lib/hooks.js'
import type { Database } from '../../db/client.js'
import type { Tx } from '../../db/tx.js'
import type { CampaignDto, CampaignsService } from '../campaigns/public.js'
import type { RecordEvent } from '../events/public.js'
import { DEFINITION_OF, METRIC_DEFINITIONS } from './metrics.catalogue.js'
import { campaignZones, findSubjects, runReport, type EngineDimension, type EngineOptions } from './metrics.queries.js'
import type { MetricsRepository, PointRow } from './metrics.repository.js'
import {
  IngestBody, parseIngestBodyFast, TIME_DIMENSIONS, type BestTimesQuery, type CampaignProgress, type Freshness, type IngestResult, type MetricPoint, type Report, type ReportQuery, type ReportRow, type TopContentQuery
} from './metrics.schemas.js'
import { campaignProgress } from './campaign-progress.js'

/** What an ingestion touched, for the handlers of `afterIngest` (crisis threshold rules). */
export interface IngestSummary {
  orgId: string
  brandIds: string[]
  metrics: string[]
  /** The earliest and latest period start among the points written. */
  periodFrom: Date
  periodTo: Date
  inserted: number
  updated: number
}

export interface MetricsHooks {
  /**
   * After the points of an ingestion are written, in the same transaction (like every hook of
   * the house): a handler's writes commit with the points, and a throw refuses the batch. Runs
   * only when something was inserted or updated.
   */
  afterIngest: Hook<[Ctx, IngestSummary]>
}

export interface MetricsDeps {
  repo: MetricsRepository
  campaigns: Pick<CampaignsService, 'get'>
  record: RecordEvent
  withTenant: <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => Promise<T>
}

/** A report has at most this many rows; a bigger one asks for a narrower question. */
export const MAX_REPORT_ROWS = 10_000

const emptyFreshness = (): Freshness => ({ oldestCollectedAt: null, newestCollectedAt: null, sources: [] })

// Ingesting needs metrics:write (owners, admins, analysts, keys with the scope); reading needs
// metrics:read, and a brand-limited credential (a client) sees only its brands' numbers: a
// subject of another brand is an unknown id, as another organization's is.
export function createMetricsService (deps: MetricsDeps) {
  const { repo, campaigns, record, withTenant } = deps
  const hooks: MetricsHooks = { afterIngest: new Hook() }

  function validate (body: unknown): MetricPoint[] {
    // A valid batch (the usual case) is checked by hand; at the first doubt zod checks it all
    // and names every problem.
    const fast = parseIngestBodyFast(body)
    if (fast) return fast
    const parsed = IngestBody.safeParse(body)
    if (!parsed.success) {
      throw new AppError('HERALD_VALIDATION', 'The points were not stored: fix every problem listed and send the whole batch again.', { errors: fieldErrorsOf(parsed.error) })
    }
    return parsed.data.points
  }

  async function resolve (ctx: Ctx, points: MetricPoint[]): Promise<PointRow[]> {
    const errors: FieldError[] = []
    const seen = new Map<string, number>()
    points.forEach((p, i) => {
      // An instant by its milliseconds (two spellings of one instant are one period), a date as it is.
      const period = p.periodStart.length === 10 ? p.periodStart : Date.parse(p.periodStart)
      const key = `${p.subjectId}|${p.metric}|${p.granularity}|${period}`
      const first = seen.get(key)
      if (first !== undefined) errors.push({ path: `points/${i}`, message: `the same point (subject, metric, granularity, period) as points/${first}: send each point once`, code: 'HERALD_VALIDATION' })
      else seen.set(key, i)
    })
    if (errors.length) throw new AppError('HERALD_VALIDATION', 'The points were not stored: a batch names each point once.', { errors })

    const ids = { contentItems: new Set<string>(), socialAccounts: new Set<string>(), campaigns: new Set<string>() }
    for (const p of points) {
      if (p.subjectType === 'content_item') ids.contentItems.add(p.subjectId)
      else if (p.subjectType === 'social_account') ids.socialAccounts.add(p.subjectId)
      else ids.campaigns.add(p.subjectId)
      if (p.socialAccountId) ids.socialAccounts.add(p.socialAccountId)
    }
    const found = await findSubjects(ctx.db, ctx.actor.orgId, { contentItems: [...ids.contentItems], socialAccounts: [...ids.socialAccounts], campaigns: [...ids.campaigns] })
    const byKey = new Map(found.filter((s) => canSeeBrand(ctx.actor, s.brandId)).map((s) => [`${s.type}|${s.id}`, s]))
    const rows: PointRow[] = []
    points.forEach((p, i) => {
      const subject = byKey.get(`${p.subjectType}|${p.subjectId}`)
      if (!subject) {
        errors.push({ path: `points/${i}/subjectId`, message: `no ${p.subjectType.replace('_', ' ')} with this id`, code: 'HERALD_NOT_FOUND' })
        return
      }
      if (p.socialAccountId) {
        const account = byKey.get(`social_account|${p.socialAccountId}`)
        if (!account) errors.push({ path: `points/${i}/socialAccountId`, message: 'no social account with this id', code: 'HERALD_NOT_FOUND' })
        else if (account.brandId !== subject.brandId) errors.push({ path: `points/${i}/socialAccountId`, message: "the account is another brand's than the content item", code: 'HERALD_UNPROCESSABLE' })
      }
      rows.push({
        subjectType: p.subjectType,
        subjectId: p.subjectId,
        brandId: subject.brandId,
        socialAccountId: p.socialAccountId ?? null,
        metric: p.metric,
        granularity: p.granularity,
        periodStart: p.periodStart,
        timeZone: subject.timeZone,
        value: p.value,
        currency: p.currency ?? null,
        source: p.source,
        collectedAt: p.collectedAt
      })
    })
    if (errors.length) {
      // The status of the most basic kind of problem; errors[] lists them all.
      const code = errors.some((e) => e.code === 'HERALD_NOT_FOUND') ? 'HERALD_NOT_FOUND' : 'HERALD_UNPROCESSABLE'
      throw new AppError(code, 'The points were not stored: fix every problem listed and send the whole batch again.', { errors })
    }
    return rows
  }

  function checkDims (q: ReportQuery): void {
    const times = q.groupBy.filter((d) => TIME_DIMENSIONS.includes(d))
    if (times.length > 1) throw new AppError('HERALD_VALIDATION', 'Group by one period at most.', { errors: [{ path: 'groupBy', message: `one of hour, day, week, month (got ${times.join(', ')})` }] })
    if (times[0] === 'hour' && q.granularity !== 'hour') throw new AppError('HERALD_VALIDATION', 'Grouping by hour reads hourly points: add granularity=hour.', { errors: [{ path: 'groupBy', message: 'hour needs granularity=hour' }] })
  }

  /** The engine, over the brands the caller may see (a brand it may not see: nothing). */
  async function engine (ctx: Ctx, q: Omit<ReportQuery, 'groupBy'>, opts: EngineOptions) {
    if (q.brandId && !canSeeBrand(ctx.actor, q.brandId)) return { rows: [], subjects: [], mixedCurrencies: 0, freshness: emptyFreshness() }
    const result = await runReport(ctx.db, ctx.actor.orgId, ctx.actor.brandIds, q, opts)
    if (result.mixedCurrencies > 0) {
      throw new AppError('HERALD_UNPROCESSABLE', 'These numbers mix currencies, and Herald never adds two currencies together: group by currency (groupBy=currency) or filter by one (currency=EUR).', { extra: { reason: 'currency_mix' } })
    }
    return result
  }

  /** `zones`: each campaign's brand's time zone, by campaign id (campaignZones). */
  async function progressOf (ctx: Ctx, list: readonly CampaignDto[], zones: Map<string, string>): Promise<CampaignProgress[]> {
    const now = new Date()
    return await Promise.all(list.map(async (campaign) => await campaignProgress(campaign, zones.get(campaign.id) ?? 'UTC', now,
      async (q) => await engine(ctx, { granularity: 'day', campaignId: campaign.id, brandId: campaign.brandId, ...q }, { dims: [], limit: 1 }))))
  }

  return {
    hooks,

    definitions (ctx: Ctx) {
      authorize(ctx.actor, 'metrics:read')
      return { data: METRIC_DEFINITIONS.map((d) => ({ ...d, formula: d.formula })) }
    },

    /** Validates the whole batch, then upserts it; all or nothing. */
    async ingest (ctx: Ctx, body: unknown): Promise<IngestResult> {
      authorize(ctx.actor, 'metrics:write')
      const rows = await resolve(ctx, validate(body))
      const { inserted, updated } = await repo.upsert(ctx.actor.orgId, rows, ctx.db)
      const result = { received: rows.length, inserted, updated, unchanged: rows.length - inserted - updated }
      if (inserted + updated > 0) {
        const brandIds = [...new Set(rows.map((r) => r.brandId))]
        const metrics = [...new Set(rows.map((r) => r.metric))].sort()
        // The earliest and latest period (a date as its UTC midnight), in one pass.
        let first = Infinity
        let last = -Infinity
        for (const r of rows) {
          const at = Date.parse(r.periodStart.length === 10 ? `${r.periodStart}T00:00:00Z` : r.periodStart)
          if (at < first) first = at
          if (at > last) last = at
        }
        const summary: IngestSummary = { orgId: ctx.actor.orgId, brandIds, metrics, periodFrom: new Date(first), periodTo: new Date(last), inserted, updated }
        for (const brandId of brandIds) {
          await record(ctx, { type: 'metrics.ingested', subjectType: 'brand', subjectId: brandId, brandId, data: { ...result, metrics: [...new Set(rows.filter((r) => r.brandId === brandId).map((r) => r.metric))].sort() } })
        }
        await hooks.afterIngest.run(ctx, summary)
      }
      return result
    },

    async report (ctx: Ctx, q: ReportQuery): Promise<Report> {
      authorize(ctx.actor, 'metrics:read')
      checkDims(q)
      const result = await engine(ctx, q, { dims: q.groupBy, limit: MAX_REPORT_ROWS + 1 })
      if (result.rows.length > MAX_REPORT_ROWS) {
        throw new AppError('HERALD_UNPROCESSABLE', `This report has more than ${MAX_REPORT_ROWS} rows: narrow the range, the filters or the grouping.`, { extra: { reason: 'too_many_rows' } })
      }
      return { from: q.from, to: q.to, granularity: q.granularity, groupBy: q.groupBy, data: result.rows as ReportRow[], freshness: result.freshness }
    },

    /** The content items ranked by a metric or rate, among those with enough impressions. */
    async topContent (ctx: Ctx, q: TopContentQuery) {
      authorize(ctx.actor, 'metrics:read')
      const result = await engine(ctx, { ...q, subjectType: 'content_item' }, { dims: ['contentItem', 'brand', 'campaign', 'contentKind'], rankBy: q.metric, minImpressions: q.minImpressions, limit: q.limit })
      return { metric: q.metric, from: q.from, to: q.to, minImpressions: q.minImpressions, data: result.rows as ReportRow[], freshness: result.freshness }
    },

    /** Engagement rate by the brand-local weekday (1 = Monday) and hour an item was scheduled for. */
    async bestTimes (ctx: Ctx, q: BestTimesQuery) {
      authorize(ctx.actor, 'metrics:read')
      const dims: EngineDimension[] = ['publishWeekday', 'publishHour']
      const result = await engine(ctx, { ...q, subjectType: 'content_item' }, { dims, countSubjects: true, limit: 7 * 24 + 1 })
      const data = result.rows.map((r, i) => ({
        weekday: r.weekday as number, hour: r.hour as number, posts: result.subjects[i], impressions: r.impressions as number, engagements: r.engagements as number, engagementRate: r.engagementRate as number | null
      })).filter((c) => c.weekday !== null && c.hour !== null)
      return { from: q.from, to: q.to, data, freshness: result.freshness }
    },

    async progress (ctx: Ctx, campaignId: string): Promise<CampaignProgress> {
      authorize(ctx.actor, 'metrics:read')
      // The campaign (its check) and its brand's time zone travel together: two round trips, the
      // second the goals' sums, which need both.
      const [campaign, zones] = await together(campaigns.get(ctx, campaignId), campaignZones(ctx.db, ctx.actor.orgId, [campaignId]))
      return (await progressOf(ctx, [campaign], zones))[0]
    },

    /** Campaign.progress in GraphQL: the campaigns' time zones in one statement, then their engine calls in one round trip. */
    async progressMany (ctx: Ctx, list: readonly CampaignDto[]): Promise<CampaignProgress[]> {
      authorize(ctx.actor, 'metrics:read')
      return await progressOf(ctx, list, await campaignZones(ctx.db, ctx.actor.orgId, list.map((c) => c.id)))
    },

    /**
     * A brand's total of one metric over [from, to) (crisis threshold rules): hourly points by
     * default. In `db` when given (a caller's transaction), otherwise in a tenant transaction of its own.
     */
    async sumOverWindow (orgId: string, brandId: string, metric: string, from: Date, to: Date, opts: { granularity?: 'hour' | 'day', db?: Database } = {}): Promise<number> {
      if (!DEFINITION_OF.has(metric) || DEFINITION_OF.get(metric)!.aggregation === 'rate') throw new Error(`sumOverWindow: ${metric} is not an ingested metric`)
      const granularity = opts.granularity ?? 'hour'
      if (opts.db) return await repo.sumOverWindow(orgId, brandId, metric, from, to, granularity, opts.db)
      return await withTenant(orgId, async (tx) => await repo.sumOverWindow(orgId, brandId, metric, from, to, granularity, tx.db))
    },

    /**
     * The brands that have points of an ingested metric in [from, to) (for crisis rules
     * re-evaluated on a timer). Like sumOverWindow: the caller's transaction, no authorization.
     */
    async brandsWithData (orgId: string, metric: string, from: Date, to: Date, opts: { granularity?: 'hour' | 'day', db: Database }): Promise<string[]> {
      if (!DEFINITION_OF.has(metric) || DEFINITION_OF.get(metric)!.aggregation === 'rate') throw new Error(`brandsWithData: ${metric} is not an ingested metric`)
      return await repo.brandsWithData(orgId, metric, from, to, opts.granularity ?? 'hour', opts.db)
    }
  }
}
export type MetricsService = ReturnType<typeof createMetricsService>
