import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import metricsModule from 'fastify-metrics'
import { Counter, Gauge, type Metric } from 'prom-client'
import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../lib/errors.js'
import { projectFile } from '../lib/project-files.js'

// fastify-metrics is CommonJS with a default export.
const metrics = ((metricsModule as any).default ?? metricsModule) as typeof metricsModule.default

export interface MetricsOptions { token?: string }

// Herald's own counters, for what an operator alerts on. Each is incremented by one line at
// the place the event happens (the limiter, the sign-in, the replay, the GraphQL refusal). They
// live for the process and are registered with each app's registry below (`registers: []`:
// fastify-metrics clears the registry when an app starts, and tests start many apps).
export const heraldMetrics = {
  rateLimitRefusals: new Counter({
    name: 'herald_rate_limit_refusals_total',
    help: 'Requests refused with 429, by limiter: "requests" (per credential or address) or "sign_in" (failed sign-ins per email or address)',
    labelNames: ['limiter'] as const,
    registers: []
  }),
  signInFailures: new Counter({
    name: 'herald_sign_in_failures_total',
    help: 'Password sign-ins refused for a wrong email, password or organization',
    registers: []
  }),
  idempotentReplays: new Counter({
    name: 'herald_idempotent_replays_total',
    help: 'Responses replayed for a retried Idempotency-Key instead of running the request again',
    registers: []
  }),
  graphqlLimitRefusals: new Counter({
    name: 'herald_graphql_limit_refusals_total',
    help: 'GraphQL operations refused before running for their depth, cost, aliases, directives or tokens (HERALD_QUERY_LIMIT)',
    registers: []
  })
}

const packageJson = projectFile('package.json')
const buildInfo = new Gauge({
  name: 'herald_build_info',
  help: 'Always 1; the labels say which Herald and which Node.js run this instance',
  labelNames: ['version', 'node_version'] as const,
  registers: []
})
buildInfo.set({ version: String(JSON.parse(readFileSync(packageJson, 'utf8')).version), node_version: process.version }, 1)

// Prometheus text at /metrics: request durations as histograms by method, route template and
// status (never raw URLs, so ids cannot blow up the series count; no summaries, whose quantiles
// cannot be aggregated across instances), process metrics, pool gauges and Herald's counters.
// With METRICS_TOKEN set, scrapes must send it as a bearer token.
export default fp<MetricsOptions>(async (app, opts) => {
  const token = opts.token
  await app.register(metrics, {
    clearRegisterOnInit: true,
    defaultMetrics: { enabled: true },
    routeMetrics: { enabled: { histogram: true, summary: false }, routeBlacklist: ['/metrics', '/healthz', '/readyz'] },
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
  for (const metric of [...Object.values(heraldMetrics), buildInfo] as Metric[]) client.register.registerMetric(metric)
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
