// The metric names Herald knows. Campaign KPI targets name one of these; the metrics module
// (ingestion and reports) publishes the same list with units and aggregation as its catalogue
// (GET /v1/metric-definitions), so a target can always be measured.

/** Ingested as points: counts and money summed over time, gauges (followers) taken at their last value. */
export const BASE_METRICS = [
  'impressions', 'reach', 'engagements', 'likes', 'comments', 'shares', 'saves', 'clicks',
  'video_views', 'followers', 'conversions', 'spend', 'revenue', 'mentions', 'negative_mentions',
  'response_seconds_total', 'responses'
] as const

/**
 * Rates derived from sums of base metrics (never averages of rates): engagement_rate =
 * engagements / impressions, engagement_rate_by_reach = engagements / reach, ctr = clicks /
 * impressions, cpc = spend / clicks, cpm = spend / impressions × 1000, cpa = spend /
 * conversions, roas = revenue / spend, roi = (revenue − spend) / spend,
 * average_response_seconds = response_seconds_total / responses.
 */
export const DERIVED_METRICS = ['engagement_rate', 'engagement_rate_by_reach', 'ctr', 'cpc', 'cpm', 'cpa', 'roas', 'roi', 'average_response_seconds'] as const

export const METRICS = [...BASE_METRICS, ...DERIVED_METRICS] as const
export type Metric = typeof METRICS[number]
export type BaseMetric = typeof BASE_METRICS[number]
export type DerivedMetric = typeof DERIVED_METRICS[number]

export const isMetric = (value: string): value is Metric => (METRICS as readonly string[]).includes(value)
