// The metric names Herald knows. Campaign KPI targets name one of these today; the metrics
// module (ingestion and reports) reuses the same list, so a target can always be measured.

/** Counted metrics: ingested as points and summed over a period. */
export const BASE_METRICS = [
  'impressions', 'reach', 'engagements', 'likes', 'comments', 'shares', 'saves', 'clicks',
  'video_views', 'followers', 'conversions', 'spend', 'revenue', 'mentions', 'negative_mentions'
] as const

/**
 * Rates derived from sums of base metrics (never averages of rates): engagement_rate =
 * engagements / impressions, ctr = clicks / impressions, cpc = spend / clicks, cpm = spend /
 * impressions × 1000, cpa = spend / conversions, roas = revenue / spend, roi = (revenue − spend) / spend.
 */
export const DERIVED_METRICS = ['engagement_rate', 'ctr', 'cpc', 'cpm', 'cpa', 'roas', 'roi'] as const

export const METRICS = [...BASE_METRICS, ...DERIVED_METRICS] as const
export type Metric = typeof METRICS[number]
export type BaseMetric = typeof BASE_METRICS[number]
export type DerivedMetric = typeof DERIVED_METRICS[number]

export const isMetric = (value: string): value is Metric => (METRICS as readonly string[]).includes(value)
