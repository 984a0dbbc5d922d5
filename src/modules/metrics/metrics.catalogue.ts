import { BASE_METRICS, DERIVED_METRICS, type BaseMetric, type DerivedMetric } from '../../lib/metrics-vocabulary.js'

// The metric catalogue as data: what each metric measures, its unit, how it adds up over time,
// and which subjects it applies to. Ingestion checks points against it; the report engine
// reads `aggregation` (sum, or last value for gauges) and the rate formulas from it.

export type MetricUnit = 'count' | 'seconds' | 'money' | 'ratio'
export type Aggregation = 'sum' | 'last' | 'rate'
export type SubjectType = 'content_item' | 'social_account' | 'campaign'

export interface MetricDefinition {
  name: BaseMetric | DerivedMetric
  unit: MetricUnit
  aggregation: Aggregation
  appliesTo: SubjectType[]
  description: string
  /** Rates only: numerator and denominator sums (× factor). */
  formula: { numerator: string, denominator: string, factor: number } | null
}

const ALL: SubjectType[] = ['content_item', 'social_account', 'campaign']
const count = (name: BaseMetric, description: string, appliesTo: SubjectType[] = ALL): MetricDefinition =>
  ({ name, unit: 'count', aggregation: 'sum', appliesTo, description, formula: null })
const rate = (name: DerivedMetric, unit: MetricUnit, numerator: string, denominator: string, description: string, factor = 1): MetricDefinition =>
  ({ name, unit, aggregation: 'rate', appliesTo: ALL, description, formula: { numerator, denominator, factor } })

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  count('impressions', 'Times the content was shown.'),
  count('reach', 'Distinct people reached in the period, as the network reports it (summed over periods: not de-duplicated across them).'),
  count('engagements', 'Interactions of any kind (likes, comments, shares, saves, clicks… as the network counts them).'),
  count('likes', 'Likes or reactions.'),
  count('comments', 'Comments and replies.'),
  count('shares', 'Shares, reposts, retweets.'),
  count('saves', 'Saves or bookmarks.'),
  count('clicks', 'Link clicks.'),
  count('video_views', 'Video views as the network counts them.'),
  { name: 'followers', unit: 'count', aggregation: 'last', appliesTo: ['social_account'], description: "Followers of the account at the end of the period (a gauge: a report takes each account's last value in the range, never a sum over time).", formula: null },
  count('conversions', 'Conversions attributed to the subject.'),
  { name: 'spend', unit: 'money', aggregation: 'sum', appliesTo: ALL, description: 'Paid spend, a decimal in the point\'s currency.', formula: null },
  { name: 'revenue', unit: 'money', aggregation: 'sum', appliesTo: ALL, description: 'Revenue attributed to the subject, a decimal in the point\'s currency.', formula: null },
  count('mentions', 'Mentions of the brand.', ['social_account', 'campaign']),
  count('negative_mentions', 'Mentions judged negative.', ['social_account', 'campaign']),
  { name: 'response_seconds_total', unit: 'seconds', aggregation: 'sum', appliesTo: ['social_account', 'campaign'], description: 'Seconds taken to answer messages and comments, added up over the responses of the period.', formula: null },
  count('responses', 'Messages and comments answered (the denominator of average_response_seconds).', ['social_account', 'campaign']),
  rate('engagement_rate', 'ratio', 'engagements', 'impressions', 'Engagements / impressions, from the sums.'),
  rate('engagement_rate_by_reach', 'ratio', 'engagements', 'reach', 'Engagements / reach, from the sums.'),
  rate('ctr', 'ratio', 'clicks', 'impressions', 'Click-through rate: clicks / impressions, from the sums.'),
  rate('cpc', 'money', 'spend', 'clicks', 'Cost per click: spend / clicks.'),
  rate('cpm', 'money', 'spend', 'impressions', 'Cost per thousand impressions: spend / impressions × 1000.', 1000),
  rate('cpa', 'money', 'spend', 'conversions', 'Cost per acquisition: spend / conversions.'),
  rate('roas', 'ratio', 'revenue', 'spend', 'Return on ad spend: revenue / spend.'),
  { name: 'roi', unit: 'ratio', aggregation: 'rate', appliesTo: ALL, description: 'Return on investment: (revenue − spend) / spend.', formula: { numerator: 'revenue - spend', denominator: 'spend', factor: 1 } },
  rate('average_response_seconds', 'seconds', 'response_seconds_total', 'responses', 'Average response time: response_seconds_total / responses, from the sums.')
]

// Every name of the vocabulary is described exactly once.
if (METRIC_DEFINITIONS.length !== BASE_METRICS.length + DERIVED_METRICS.length) throw new Error('metric catalogue and vocabulary differ')

export const DEFINITION_OF = new Map(METRIC_DEFINITIONS.map((d) => [d.name as string, d]))
export const MONEY_METRICS = METRIC_DEFINITIONS.filter((d) => d.unit === 'money' && d.aggregation !== 'rate').map((d) => d.name as BaseMetric)
export const GAUGE_METRICS = METRIC_DEFINITIONS.filter((d) => d.aggregation === 'last').map((d) => d.name as BaseMetric)

/**
 * snake_case metric name → the camelCase field of a report row (`responses` is `responseCount`
 * there: a field named `responses` reads, to OpenAPI tools, as an operation's responses).
 */
export const fieldOf = (name: string) => name === 'responses' ? 'responseCount' : name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
