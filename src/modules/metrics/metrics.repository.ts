import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { GAUGE_METRICS } from './metrics.catalogue.js'

// SQL of the metric_points table only; every method takes orgId first.

/** A validated point, its subject resolved (brand and the brand's time zone for date periods). */
export interface PointRow {
  subjectType: string
  subjectId: string
  brandId: string
  socialAccountId: string | null
  metric: string
  granularity: string
  periodStart: string
  timeZone: string
  value: number
  currency: string | null
  source: string
  collectedAt: string
}

const col = <K extends keyof PointRow>(rows: readonly PointRow[], k: K) => sql.param(rows.map((r) => r[k]))

export function createMetricsRepository () {
  return {
    /**
     * Upserts the points in ONE statement (arrays unnested, so its size does not grow with the
     * number of parameters) and counts what happened from the same statement: a row comes back
     * from RETURNING only when it was inserted or updated, and `xmax = 0` tells an insert. A
     * stored point is replaced only by a strictly later `collectedAt`: resending a batch, or an
     * older reading arriving late, changes nothing.
     */
    async upsert (orgId: string, rows: readonly PointRow[], db: Database): Promise<{ inserted: number, updated: number }> {
      const result = await db.execute(sql`
        WITH input AS (
          SELECT * FROM unnest(
            ${col(rows, 'subjectType')}::metric_subject_type[], ${col(rows, 'subjectId')}::uuid[], ${col(rows, 'brandId')}::uuid[],
            ${col(rows, 'socialAccountId')}::uuid[], ${col(rows, 'metric')}::text[], ${col(rows, 'granularity')}::metric_granularity[],
            ${col(rows, 'periodStart')}::text[], ${col(rows, 'timeZone')}::text[], ${col(rows, 'value')}::numeric[],
            ${col(rows, 'currency')}::text[], ${col(rows, 'source')}::text[], ${col(rows, 'collectedAt')}::timestamptz[]
          ) AS t(subject_type, subject_id, brand_id, social_account_id, metric, granularity, period, time_zone, value, currency, source, collected_at)
        ), written AS (
          INSERT INTO metric_points AS mp (organization_id, brand_id, subject_type, subject_id, social_account_id, metric, granularity, period_start, value, currency, source, collected_at)
          SELECT ${orgId}::uuid, brand_id, subject_type, subject_id, social_account_id, metric, granularity,
                 CASE WHEN length(period) = 10 THEN period::date::timestamp AT TIME ZONE time_zone ELSE period::timestamptz END,
                 value, currency, source, collected_at
            FROM input
          ON CONFLICT (organization_id, subject_id, metric, granularity, period_start) DO UPDATE
            SET value = excluded.value, currency = excluded.currency, source = excluded.source,
                collected_at = excluded.collected_at, social_account_id = excluded.social_account_id
            WHERE excluded.collected_at > mp.collected_at
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`)
      const r = result.rows[0] as { inserted: number, updated: number }
      return { inserted: Number(r.inserted), updated: Number(r.updated) }
    },

    /**
     * A brand's total of one metric over [from, to) at one granularity, over all its subjects
     * (a gauge: each subject's last value in the window, added up).
     */
    async sumOverWindow (orgId: string, brandId: string, metric: string, from: Date, to: Date, granularity: 'hour' | 'day', db: Database): Promise<number> {
      const gauge = (GAUGE_METRICS as readonly string[]).includes(metric)
      const result = await db.execute(sql`
        SELECT coalesce(sum(v), 0)::float8 AS total FROM (
          SELECT ${gauge ? sql`(array_agg(value ORDER BY period_start DESC))[1]` : sql`sum(value)`} AS v
            FROM metric_points
           WHERE organization_id = ${orgId}::uuid AND brand_id = ${brandId}::uuid AND metric = ${metric}
             AND granularity = ${granularity} AND period_start >= ${from.toISOString()}::timestamptz AND period_start < ${to.toISOString()}::timestamptz
           GROUP BY subject_id
        ) s`)
      return Number((result.rows[0] as { total: number }).total)
    },

    /** The brands with points of one metric whose period starts in [from, to). */
    async brandsWithData (orgId: string, metric: string, from: Date, to: Date, granularity: 'hour' | 'day', db: Database): Promise<string[]> {
      // Brand by brand through (brand, granularity, period): a probe per brand, never a scan of the organization's points.
      const result = await db.execute(sql`
        SELECT b.id AS brand_id FROM brands b
         WHERE b.organization_id = ${orgId}::uuid AND EXISTS (
           SELECT 1 FROM metric_points mp
            WHERE mp.organization_id = ${orgId}::uuid AND mp.brand_id = b.id AND mp.granularity = ${granularity} AND mp.metric = ${metric}
              AND mp.period_start >= ${from.toISOString()}::timestamptz AND mp.period_start < ${to.toISOString()}::timestamptz)`)
      return (result.rows as Array<{ brand_id: string }>).map((r) => r.brand_id)
    }
  }
}
export type MetricsRepository = ReturnType<typeof createMetricsRepository>
