import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { BASE_METRICS } from '../../lib/metrics-vocabulary.js'
import { DEFINITION_OF, fieldOf, GAUGE_METRICS, METRIC_DEFINITIONS } from './metrics.catalogue.js'
import type { Dimension, Freshness, ReportQuery } from './metrics.schemas.js'

// Read-only, across domains: the subjects of points (content items, social accounts,
// campaigns, and their brands' time zones), and THE report engine: one SQL builder behind
// every report (metrics report, top content, best times, campaign progress). It joins the
// subjects' CURRENT rows, so an item moved to another campaign reports under its new one.

export interface Subject { id: string, type: 'content_item' | 'social_account' | 'campaign', brandId: string, timeZone: string }

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`

/**
 * The subjects among these ids that exist in the organization, with their brand: one
 * statement. Each brand found is locked (FOR KEY SHARE, what a foreign key's check takes, but
 * once per brand rather than once per point) until the ingestion commits: metric_points has
 * no foreign key to brands (see src/db/tables/metrics.ts), and a brand deleted meanwhile waits.
 */
export async function findSubjects (db: Database, orgId: string, ids: { contentItems: string[], socialAccounts: string[], campaigns: string[] }): Promise<Subject[]> {
  const result = await db.execute(sql`
    SELECT s.id, s.type, s.brand_id, b.time_zone FROM (
      SELECT id, 'content_item' AS type, brand_id FROM content_items WHERE organization_id = ${orgId} AND id = ANY(${uuids(ids.contentItems)})
      UNION ALL
      SELECT id, 'social_account', brand_id FROM social_accounts WHERE organization_id = ${orgId} AND id = ANY(${uuids(ids.socialAccounts)})
      UNION ALL
      SELECT id, 'campaign', brand_id FROM campaigns WHERE organization_id = ${orgId} AND id = ANY(${uuids(ids.campaigns)})
    ) s JOIN brands b ON b.id = s.brand_id AND b.organization_id = ${orgId}
    FOR KEY SHARE OF b`)
  return (result.rows as Array<Record<string, string>>).map((r) => ({ id: r.id, type: r.type as Subject['type'], brandId: r.brand_id, timeZone: r.time_zone }))
}

/**
 * The time zone of each campaign's brand, by campaign id, without knowing the brand first
 * (GET …/progress sends it beside the campaign's own read, in one round trip).
 */
export async function campaignZones (db: Database, orgId: string, campaignIds: readonly string[]): Promise<Map<string, string>> {
  const result = await db.execute(sql`
    SELECT c.id, b.time_zone FROM campaigns c JOIN brands b ON b.id = c.brand_id AND b.organization_id = ${orgId}
    WHERE c.organization_id = ${orgId} AND c.id = ANY(${uuids(campaignIds)})`)
  return new Map((result.rows as Array<Record<string, string>>).map((r) => [r.id, r.time_zone]))
}

// ---- the report engine ------------------------------------------------------------------

/** Internal dimensions beyond the public ones: the publishing slot of a content item (best times). */
export type EngineDimension = Dimension | 'publishWeekday' | 'publishHour'

/** Each dimension's column in `pts` (all constants: nothing here comes from the request). */
const DIM_SQL: Record<EngineDimension, string> = {
  brand: 'brand_id',
  campaign: 'campaign_id',
  socialAccount: 'social_account_id',
  platform: 'platform',
  contentItem: 'content_item_id',
  contentKind: 'content_kind',
  currency: 'currency',
  // Hours are instants (an hour exists once even on the night clocks go back); days, ISO
  // weeks (Monday) and months are calendar dates in the brand's time zone, so a DST day
  // holds its 23 or 25 hours.
  hour: 'to_char(period_start AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:00:00"Z"\')',
  day: 'to_char(period_start AT TIME ZONE time_zone, \'YYYY-MM-DD\')',
  week: 'to_char(date_trunc(\'week\', period_start AT TIME ZONE time_zone), \'YYYY-MM-DD\')',
  month: 'to_char(date_trunc(\'month\', period_start AT TIME ZONE time_zone), \'YYYY-MM-DD\')',
  publishWeekday: 'extract(isodow FROM scheduled_at AT TIME ZONE time_zone)::int',
  publishHour: 'extract(hour FROM scheduled_at AT TIME ZONE time_zone)::int'
}
const TIME_DIMS: readonly EngineDimension[] = ['hour', 'day', 'week', 'month']
/** The wire name of each dimension's value in a row. */
const DIM_FIELD: Record<EngineDimension, string> = {
  brand: 'brandId', campaign: 'campaignId', socialAccount: 'socialAccountId', platform: 'platform', contentItem: 'contentItemId', contentKind: 'contentKind', currency: 'currency', hour: 'period', day: 'period', week: 'period', month: 'period', publishWeekday: 'weekday', publishHour: 'hour'
}

export interface EngineOptions {
  dims: readonly EngineDimension[]
  /** Only rows whose impressions reach this (top content). */
  minImpressions?: number
  /** A metric or rate (snake_case) to rank by, descending, nulls last; otherwise by the dimensions. */
  rankBy?: string
  /** Only these ingested metrics are read (the others sum to 0); all of them when absent. */
  metrics?: readonly string[]
  /** Count each row's distinct subjects (best times' posts per cell); `subjects` is all zeros otherwise. */
  countSubjects?: boolean
  limit: number
}

export interface EngineResult {
  rows: Array<Record<string, unknown>>
  /** Rows whose money mixes currencies (refused unless grouped by currency). */
  mixedCurrencies: number
  subjects: number[]
  freshness: Freshness
}

const sumSql = (metric: string, read: boolean) => read ? `coalesce(sum(value) FILTER (WHERE metric = '${metric}'), 0)` : '0'
/** A rate from the group's sums; a zero denominator gives null, never NaN or Infinity. */
function rateSql (name: string): string {
  const f = DEFINITION_OF.get(name)!.formula!
  const num = f.numerator.split(' - ').map((m) => `"${m}"`).join(' - ')
  return `(${num}) * ${f.factor} / NULLIF("${f.denominator}", 0)`
}
const RATES = METRIC_DEFINITIONS.filter((d) => d.aggregation === 'rate').map((d) => d.name)

/**
 * One statement, whatever the size of the answer: points in range → per subject (sums, or the
 * last value for gauges) → per group (sums, then rates from the sums) → one JSON document with
 * the rows and the report's freshness.
 */
export async function runReport (db: Database, orgId: string, visibleBrandIds: readonly string[] | null, q: Omit<ReportQuery, 'groupBy'>, opts: EngineOptions): Promise<EngineResult> {
  const where: SQL[] = []
  if (visibleBrandIds) where.push(sql`b.id = ANY(${uuids(visibleBrandIds)})`)
  if (q.brandId) where.push(sql`b.id = ${q.brandId}::uuid`)
  if (q.campaignId) where.push(sql`s.campaign_id = ${q.campaignId}::uuid`)
  if (q.socialAccountId) where.push(sql`sa.id = ${q.socialAccountId}::uuid`)
  if (q.platform) where.push(sql`sa.platform = ${q.platform}`)
  if (q.label) where.push(sql`s.labels @> ARRAY[${q.label}::text]`)
  // Filters on the points alone go inside the points' scan.
  const pointWhere: SQL[] = []
  if (q.subjectType) pointWhere.push(sql`mp.subject_type = ${q.subjectType}`)
  if (q.currency) pointWhere.push(sql`(mp.currency IS NULL OR mp.currency = ${q.currency})`)
  if (opts.metrics) pointWhere.push(sql`mp.metric = ANY(${sql.param([...opts.metrics])}::text[])`)
  // The social accounts are joined only when a dimension or a filter reads them.
  const needAccounts = opts.dims.includes('socialAccount') || opts.dims.includes('platform') || q.socialAccountId !== undefined || q.platform !== undefined
  // The period (hour, day, week or month) is computed in the points' scan, where they are summed
  // per subject and period; every other dimension is read from the subjects after that.
  const timeDim = opts.dims.find((d) => TIME_DIMS.includes(d))
  const dims = opts.dims.map((d) => d === timeDim ? 't' : DIM_SQL[d])
  // The points carry only the columns their dimensions read (a narrower row to materialize).
  const carried = [
    ...(opts.dims.some((d) => ['publishWeekday', 'publishHour'].includes(d)) ? ['b.time_zone'] : []),
    ...(opts.dims.includes('brand') ? ['b.id AS brand_id'] : []),
    ...(opts.dims.includes('campaign') ? ['s.campaign_id'] : []),
    ...(opts.dims.includes('contentItem') ? ['s.content_item_id'] : []),
    ...(opts.dims.includes('contentKind') ? ['s.content_kind'] : []),
    ...(opts.dims.includes('publishWeekday') || opts.dims.includes('publishHour') ? ['s.scheduled_at'] : []),
    ...(needAccounts ? ['sa.platform', 'sa.id AS social_account_id'] : [])
  ]
  const dimCols = dims.map((_d, i) => `d${i}`)
  const dimSelect = dims.map((d, i) => `${d} AS d${i}`).join(', ')
  const groupDims = dimCols.join(', ')
  // A metric the caller does not read is a constant 0, not a sum evaluated on every point.
  const sums = BASE_METRICS.map((m) => `${sumSql(m, !opts.metrics || opts.metrics.includes(m))} AS "${m}"`).join(',\n')
  const fields = [
    ...opts.dims.map((d, i) => `'${DIM_FIELD[d]}', d${i}`),
    ...(opts.dims.includes('currency') ? [] : ["'currency', currency"]),
    ...BASE_METRICS.map((m) => `'${fieldOf(m)}', "${m}"`),
    ...RATES.map((r) => `'${fieldOf(r)}', ${rateSql(r)}`)
  ]
  // json_build_object takes at most 100 arguments: two objects, merged.
  const half = Math.ceil(fields.length / 2)
  const rowJson = `json_build_object(${fields.slice(0, half).join(', ')})::jsonb || json_build_object(${fields.slice(half).join(', ')})::jsonb`
  const rankBy = opts.rankBy ? (DEFINITION_OF.get(opts.rankBy)?.aggregation === 'rate' ? rateSql(opts.rankBy) : `"${opts.rankBy}"`) : null
  const order = [
    ...(rankBy ? [`${rankBy} DESC NULLS LAST`] : []),
    ...dimCols.map((c) => `${c} ASC NULLS LAST`)
  ]
  const filters = [opts.minImpressions !== undefined ? `"impressions" >= ${Math.trunc(opts.minImpressions)}` : 'true']
  // Gauges (followers) take each subject's last value in the range; everything else sums. Only
  // the gauges' points go through a per-subject stage (an ordered aggregate, a sort); the
  // others pass straight to the groups.
  const gauges = GAUGE_METRICS.filter((m) => !opts.metrics || opts.metrics.includes(m)).map((m) => `'${m}'`).join(', ')
  const dimPrefix = dimSelect ? `${dimSelect},` : ''
  const perSubject = gauges
    ? `SELECT ${dimPrefix} subject_id, metric, currency, value FROM pts WHERE metric NOT IN (${gauges})
       UNION ALL
       SELECT ${dimPrefix} subject_id, metric, currency, (array_agg(value ORDER BY period_start DESC))[1]
         FROM pts WHERE metric IN (${gauges})
        GROUP BY ${groupDims ? `${groupDims},` : ''} subject_id, metric, currency`
    : `SELECT ${dimPrefix} subject_id, metric, currency, value FROM pts`
  // More than one currency in a row: min and max differ (both ignore the nulls of non-money metrics).
  const currencies = 'CASE WHEN min(currency) <> max(currency) THEN 2 ELSE 1 END'
  const subjects = opts.countSubjects ? 'count(DISTINCT subject_id)' : '0'

  // Per subject, account, metric, currency, source (and period): a sum, or for a gauge the
  // value of the latest period; with the latest period and the collection times for freshness.
  // Not when each point is its own period already (days grouped by day): nothing would add up.
  const summed = !(timeDim === q.granularity)
  // When the points are summed, the brand's own (time-zone) range is checked inside the
  // aggregates (FILTER, and HAVING for a group with no point in it) rather than in WHERE: the
  // planner cannot estimate a comparison with another row's column (b.lo, b.hi) and takes
  // 0.5% of the rows, then sorts the few rows it expects instead of hashing the thousands it
  // gets (a 12,000-point month sorted on six keys cost a third of the report). The scan is
  // still bounded by the constant range, which it estimates well; the rows between the two
  // ranges (a day at most each side) are read and left out of every aggregate.
  const inRange = 'mp.period_start >= b.lo AND mp.period_start < b.hi'
  // (The latest period is only read to order a gauge's values: without gauges, one aggregate
  // less per group, and a smaller hash table, which is what the planner weighs against sorting.)
  const valueAgg = gauges
    ? `coalesce(sum(mp.value) FILTER (WHERE mp.metric NOT IN (${gauges}) AND ${inRange}), (array_agg(mp.value ORDER BY mp.period_start DESC) FILTER (WHERE mp.metric IN (${gauges}) AND ${inRange}))[1])`
    : `sum(mp.value) FILTER (WHERE ${inRange})`

  const result = await db.execute(sql`
    WITH pts AS (
      SELECT mp.subject_id, mp.metric, mp.value, mp.currency, mp.source, mp.oldest, mp.newest, mp.period_start
             ${sql.raw(timeDim ? ', mp.t' : '')}
             ${sql.raw(carried.map((c) => `, ${c}`).join(''))}
        FROM (
          -- Each brand's range in its own time zone, computed once per brand (not per point).
          SELECT id, time_zone, (${q.from}::date::timestamp AT TIME ZONE time_zone) AS lo, ((${q.to}::date + 1)::timestamp AT TIME ZONE time_zone) AS hi
            FROM brands WHERE organization_id = ${orgId} OFFSET 0
        ) b
        -- Each brand's points in its range, found through (brand, period): an index range scan
        -- per brand, summed per subject before any join (a month of daily points is one row).
        CROSS JOIN LATERAL (
          SELECT mp.subject_type, mp.subject_id, mp.social_account_id, mp.metric, mp.currency, mp.source,
                 ${sql.raw(timeDim ? `${DIM_SQL[timeDim]} AS t,` : '')}
                 ${sql.raw(summed
                   ? `${valueAgg} AS value, ${gauges ? `max(mp.period_start) FILTER (WHERE ${inRange})` : 'NULL::timestamptz'} AS period_start, min(mp.collected_at) FILTER (WHERE ${inRange}) AS oldest, max(mp.collected_at) FILTER (WHERE ${inRange}) AS newest`
                   : 'mp.value, mp.period_start, mp.collected_at AS oldest, mp.collected_at AS newest')}
            FROM metric_points mp
           WHERE mp.organization_id = ${orgId} AND mp.brand_id = b.id
             ${sql.raw(summed ? '' : `AND ${inRange}`)}
             -- The same range widened by a day each side (no zone is a day off UTC), written
             -- with constants: the planner can bound the index scan with them whatever plan it picks.
             AND mp.period_start >= (${q.from}::date - 1)::timestamp AT TIME ZONE 'UTC'
             AND mp.period_start < (${q.to}::date + 2)::timestamp AT TIME ZONE 'UTC'
             AND mp.granularity = ${q.granularity}
             ${pointWhere.length ? sql`AND ${sql.join(pointWhere, sql` AND `)}` : sql``}
           ${sql.raw(summed ? `GROUP BY mp.subject_id, mp.metric, mp.source, mp.currency, mp.social_account_id, mp.subject_type ${timeDim ? ', t' : ''} HAVING bool_or(${inRange})` : 'OFFSET 0')}
        ) mp
        -- The subjects' CURRENT rows, all three kinds in one join; an inner join, so the points
        -- of a deleted subject drop out. Subjects never move between brands, so the join is
        -- limited to the points' brands (a one-brand report reads that brand's rows, by index).
        JOIN (
          SELECT 'content_item'::metric_subject_type AS type, id, brand_id, campaign_id, id AS content_item_id, kind AS content_kind, scheduled_at, labels
            FROM content_items WHERE organization_id = ${orgId}
          UNION ALL
          SELECT 'campaign', id, brand_id, id, NULL, NULL, NULL, NULL FROM campaigns WHERE organization_id = ${orgId}
          UNION ALL
          SELECT 'social_account', id, brand_id, NULL, NULL, NULL, NULL, NULL FROM social_accounts WHERE organization_id = ${orgId}
        ) s ON s.id = mp.subject_id AND s.type = mp.subject_type AND s.brand_id = b.id
        ${needAccounts
          ? sql`LEFT JOIN social_accounts sa ON sa.id = (CASE WHEN mp.subject_type = 'social_account' THEN mp.subject_id ELSE mp.social_account_id END)
             AND sa.brand_id = b.id AND sa.organization_id = ${orgId}`
          : sql``}
       WHERE true
         ${where.length ? sql`AND ${sql.join(where, sql` AND `)}` : sql``}
    ), per_subject AS (
      ${sql.raw(perSubject)}
    ), grouped AS (
      SELECT ${sql.raw(groupDims ? `${groupDims},` : '')}
             ${sql.raw(sums)},
             ${sql.raw(currencies)} AS currencies, min(currency) AS currency, ${sql.raw(subjects)} AS subjects
        FROM per_subject
       ${sql.raw(groupDims ? `GROUP BY ${groupDims}` : '')}
      HAVING count(*) > 0
    ), ranked AS (
      SELECT ${sql.raw(rowJson)} AS row, currencies, subjects
        FROM grouped
       WHERE ${sql.raw(filters.join(' AND '))}
       ${sql.raw(order.length ? `ORDER BY ${order.join(', ')}` : '')}
       LIMIT ${opts.limit}
    )
    SELECT coalesce((SELECT json_agg(row) FROM ranked), '[]'::json) AS rows,
           coalesce((SELECT json_agg(subjects) FROM ranked), '[]'::json) AS subjects,
           (SELECT count(*) FROM ranked WHERE currencies > 1)::int AS mixed,
           f.oldest, f.newest, f.sources
      FROM (
        -- Freshness in one pass over the points: per source, then over the few sources.
        SELECT to_char(min(oldest) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS oldest,
               to_char(max(newest) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS newest,
               coalesce(array_agg(source ORDER BY source), '{}') AS sources
          FROM (SELECT source, min(oldest) AS oldest, max(newest) AS newest FROM pts GROUP BY source) s
      ) f`)
  const r = result.rows[0] as { rows: Array<Record<string, unknown>>, subjects: number[], mixed: number, oldest: string | null, newest: string | null, sources: string[] }
  return {
    rows: r.rows,
    subjects: r.subjects.map(Number),
    mixedCurrencies: r.mixed,
    freshness: { oldestCollectedAt: r.oldest, newestCollectedAt: r.newest, sources: r.sources }
  }
}
