// What other modules may use of metrics: `app.metricsService` — its `hooks.afterIngest` (fired when
// an ingestion wrote points: organization, brands and metrics touched) and
// `sumOverWindow(orgId, brandId, metric, from, to)` (a brand's total over a window, for crisis
// threshold rules) and `brandsWithData` (the brands to re-evaluate on a timer) — the catalogue,
// and the events.
import type { MetricsService } from './metrics.service.js'

export type { MetricsService, IngestSummary, MetricsHooks } from './metrics.service.js'
export { METRIC_DEFINITIONS, type MetricDefinition } from './metrics.catalogue.js'

export const METRIC_EVENTS = {
  'metrics.ingested': 'Metric points of a brand were stored or replaced by an ingestion (counts and the metrics touched; not the points themselves).'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof METRIC_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsService: MetricsService
  }
}
