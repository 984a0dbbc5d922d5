import fp from 'fastify-plugin'
import { createMetricsRepository } from './metrics.repository.js'
import { createMetricsService } from './metrics.service.js'
import { metricsRoutes } from './metrics.routes.js'
import { metricsLoaders, metricsResolvers } from './metrics.resolvers.js'
import { METRIC_EVENTS, METRIC_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createMetricsService({
    repo: createMetricsRepository(),
    campaigns: app.campaigns,
    record: app.events.record,
    withTenant: app.withTenant
  })
  // `app.metrics` is the Prometheus client (src/plugins/metrics.ts): this module's service is `app.metricsService`.
  app.decorate('metricsService', service)
  app.events.define(METRIC_EVENTS, METRIC_EVENT_DATA)
  await app.register(metricsRoutes, { service })
  app.graphql.defineResolvers(metricsResolvers(service))
  app.graphql.defineLoaders(metricsLoaders(service, { brands: app.brands, campaigns: app.campaigns, socialAccounts: app.socialAccounts, contentItems: app.contentItems }))
}, { name: 'metrics-module', dependencies: ['events-module', 'brands-module', 'social-accounts-module', 'campaigns-module', 'content-items-module', 'graphql'] })
