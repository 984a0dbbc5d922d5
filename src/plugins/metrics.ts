import fp from 'fastify-plugin'
import metricsModule from 'fastify-metrics'
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../lib/errors.js'

// fastify-metrics is CommonJS with a default export.
const metrics = ((metricsModule as any).default ?? metricsModule) as typeof metricsModule.default

export interface MetricsOptions { token?: string }

// Prometheus text at /metrics: request durations by method, route template and status (never
// raw URLs, so ids cannot blow up the series count), process metrics and pool gauges. With
// METRICS_TOKEN set, scrapes must send it as a bearer token.
export default fp<MetricsOptions>(async (app, opts) => {
  const token = opts.token
  await app.register(metrics, {
    clearRegisterOnInit: true,
    defaultMetrics: { enabled: true },
    routeMetrics: { enabled: true, routeBlacklist: ['/metrics', '/healthz', '/readyz'] },
    endpoint: {
      url: '/metrics',
      method: 'GET',
      logLevel: 'warn',
      config: { auth: 'public', rateLimit: false },
      onRequest: async (req: FastifyRequest) => {
        if (!token) return
        const given = Buffer.from(req.headers.authorization ?? '')
        const want = Buffer.from(`Bearer ${token}`)
        if (given.length !== want.length || !timingSafeEqual(given, want)) throw new AppError('HERALD_UNAUTHENTICATED', 'Send the metrics token as a bearer token.')
      }
    } as any
  })
  const client = app.metrics.client
  // eslint-disable-next-line no-new
  new client.Gauge({
    name: 'herald_db_pool_connections',
    help: 'PostgreSQL pool connections by state',
    labelNames: ['state'],
    collect () {
      this.set({ state: 'total' }, app.pool.totalCount)
      this.set({ state: 'idle' }, app.pool.idleCount)
      this.set({ state: 'waiting' }, app.pool.waitingCount)
    }
  })
}, { name: 'metrics', dependencies: ['db'] })
