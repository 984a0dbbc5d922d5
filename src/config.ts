import ipaddr from 'ipaddr.js'
import { z } from 'zod'

// One schema for the whole environment, parsed once at boot. Nothing else reads process.env.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const csv = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  HERALD_DATA_DIR: z.string().min(1).default('.data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (256 bits)').optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOW_SIGNUP: bool.default(true),
  CORS_ORIGINS: csv.default([]),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  RATE_LIMIT_ANON_MAX: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_WINDOW_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  DB_PREPARED_STATEMENTS: bool.default(true),
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHIQL: bool.optional(),
  METRICS_TOKEN: z.string().min(16).optional(),
  TRUST_PROXY: bool.default(false),
  /** What this process runs: the HTTP API, a job worker, or both (`api` by default in tests). */
  HERALD_ROLE: z.enum(['api', 'worker', 'all']).optional(),
  /** Jobs one worker process runs at once. */
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  /** How often a worker looks for jobs that became due (new jobs due now arrive by LISTEN at once). */
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  /** At shutdown, how long running jobs may go on before they are told to stop and returned. */
  JOBS_SHUTDOWN_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** A target with no reported outcome after this long fails with publisher_timeout. */
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(7 * 86_400_000).default(15 * 60_000),
  /** Due items found later than this (after downtime) fail with missed_schedule; nothing is posted. */
  PUBLISH_MISSED_LIMIT_MS: z.coerce.number().int().min(1_000).max(30 * 86_400_000).default(3_600_000),
  /** Hand-overs later than this after scheduledAt are flagged late. */
  PUBLISH_LATE_AFTER_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** Webhook targets may use http:// (never in production: for tests and local receivers). */
  WEBHOOK_ALLOW_HTTP: bool.default(false),
  /** CIDRs webhook targets may be in although they are not public, e.g. 127.0.0.0/8 in tests. */
  WEBHOOK_ALLOWED_NETWORKS: csv.pipe(z.array(z.string().refine((c) => ipaddr.isValidCIDR(c), 'must be CIDRs such as 127.0.0.0/8'))).default([]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(24 * 30).default(24)
})

export type Env = z.infer<typeof EnvSchema>

export interface Config {
  env: Env['NODE_ENV']
  host: string
  port: number
  databaseUrl?: string
  dataDir: string
  jwtSecret?: string
  accessTtlSeconds: number
  refreshTtlDays: number
  logLevel: Env['LOG_LEVEL']
  /** How long SIGTERM/SIGINT waits for in-flight requests and the pool before exiting 1. */
  shutdownGraceMs: number
  allowSignup: boolean
  corsOrigins: string[]
  /**
   * Requests per window per credential (max) and per client address for traffic without a
   * valid credential (anonMax), shared by every instance through PostgreSQL every syncMs.
   */
  rateLimit: { max: number, anonMax: number, windowMs: number, syncMs: number }
  /** Failed sign-ins: consecutive per email and address (locked for windowMs), and per address per day. */
  login: { maxFailures: number, windowMs: number, maxFailuresPerAddressPerDay: number }
  dbPoolMax: number
  /** How long a request waits for a pooled connection before it is answered 503. */
  dbConnectTimeoutMs: number
  statementTimeoutMs: number
  /** Hot statements as server-side prepared statements (off: every value inlined, as behind a transaction-mode pooler). */
  dbPreparedStatements: boolean
  graphql: { introspection: boolean, graphiql: boolean }
  metricsToken?: string
  trustProxy: boolean
  /** `api` serves HTTP only, `worker` runs jobs only (no port), `all` both in one process. */
  role: 'api' | 'worker' | 'all'
  jobs: { concurrency: number, pollIntervalMs: number, shutdownMs: number }
  publishing: { timeoutMs: number, missedLimitMs: number, lateAfterMs: number }
  /** Webhook targets and delivery bounds (see src/modules/webhooks/webhook-sender.ts). */
  webhooks: { allowHttp: boolean, allowedNetworks: string[], timeoutMs: number, secretOverlapHours: number }
}

export class ConfigError extends Error {}

export function loadConfig (source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as "not set", which is what a blank line in an env file means.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in production (at least 32 characters)')
  }
  if (e.NODE_ENV === 'production' && e.WEBHOOK_ALLOW_HTTP) {
    throw new ConfigError('Invalid configuration:\n  WEBHOOK_ALLOW_HTTP: not allowed in production (webhooks are signed, not encrypted)')
  }
  const dev = e.NODE_ENV !== 'production'
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HERALD_DATA_DIR,
    jwtSecret: e.JWT_SECRET,
    accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
    refreshTtlDays: e.REFRESH_TTL_DAYS,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    allowSignup: e.ALLOW_SIGNUP,
    corsOrigins: e.CORS_ORIGINS,
    rateLimit: { max: e.RATE_LIMIT_MAX, anonMax: e.RATE_LIMIT_ANON_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS, syncMs: e.RATE_LIMIT_SYNC_MS },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowMs: e.LOGIN_WINDOW_MS, maxFailuresPerAddressPerDay: e.LOGIN_MAX_FAILURES_PER_ADDRESS },
    dbPoolMax: e.DB_POOL_MAX,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    dbPreparedStatements: e.DB_PREPARED_STATEMENTS,
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? dev,
      graphiql: e.GRAPHIQL ?? dev
    },
    metricsToken: e.METRICS_TOKEN,
    trustProxy: e.TRUST_PROXY,
    // Tests build many apps on their own databases; only those that test jobs run a worker.
    role: e.HERALD_ROLE ?? (e.NODE_ENV === 'test' ? 'api' : 'all'),
    jobs: { concurrency: e.JOBS_CONCURRENCY, pollIntervalMs: e.JOBS_POLL_INTERVAL_MS, shutdownMs: e.JOBS_SHUTDOWN_MS },
    publishing: { timeoutMs: e.PUBLISH_TIMEOUT_MS, missedLimitMs: e.PUBLISH_MISSED_LIMIT_MS, lateAfterMs: e.PUBLISH_LATE_AFTER_MS },
    webhooks: { allowHttp: e.WEBHOOK_ALLOW_HTTP, allowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS, timeoutMs: e.WEBHOOK_TIMEOUT_MS, secretOverlapHours: e.WEBHOOK_SECRET_OVERLAP_HOURS }
  }
}
