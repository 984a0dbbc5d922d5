import { randomUUID } from 'node:crypto'
import { maxHeaderSize } from 'node:http'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import type { QueryObserver, RoundTripObserver } from './db/client.js'
import { lazyValidators } from './lib/lazy-validators.js'
import { CursorCodec } from './lib/pagination.js'
import { sha256 } from './lib/tokens.js'
import db from './plugins/db.js'
import errors, { clientErrorHandler, sendError } from './plugins/errors.js'
import input from './plugins/input.js'
import auth from './plugins/auth.js'
import security from './plugins/security.js'
import rateLimit from './plugins/rate-limit.js'
import idempotency from './plugins/idempotency.js'
import health from './plugins/health.js'
import metrics from './plugins/metrics.js'
import openapi from './plugins/openapi.js'
import graphql from './plugins/graphql.js'
import background from './plugins/background.js'
import jobs from './plugins/jobs.js'
import { registerModules } from './modules/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and checks pagination cursors. */
    cursors: CursorCodec
    /** Every route as registered (the deny-by-default test walks it). */
    routeTable: RouteOptions[]
  }
}

export interface BuildOptions {
  config: Config
  databaseUrl: string
  jwtSecret: string
  /** Where log lines go (stdout by default); tests capture them to check what they contain. */
  logStream?: DestinationStream
  /** Sees every SQL statement the repositories send (tests count them). */
  observeQuery?: QueryObserver
  /** Sees every round trip to PostgreSQL with the statements it carried (tests and the bench count them). */
  observeRoundTrip?: RoundTripObserver
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/
const SENSITIVE_PARAM = /([?&][^=&]*(token|key|secret|password|auth)[^=&]*=)[^&]*/gi

export const redactQuery = (url: string) => url.replace(SENSITIVE_PARAM, '$1[redacted]')

export async function buildApp (opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Credentials never reach the log; bodies are never logged at all.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', 'res.headers["set-cookie"]'], censor: '[redacted]' },
      serializers: {
        // A client may put a credential in the query string (we ignore it there); never log it.
        req: (req) => ({ method: req.method, url: redactQuery(req.url), remoteAddress: req.ip })
      },
      ...(opts.logStream ? { stream: opts.logStream } : {})
    },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    // Reuse a caller's X-Request-Id when it is safe to log; otherwise make one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    requestTimeout: 60_000,
    connectionTimeout: 120_000,
    keepAliveTimeout: 10_000,
    // Refused in problem+json by the health plugin instead (see src/plugins/health.ts).
    return503OnClosing: false,
    // A path parameter of any length that reaches the router is checked by its route's schema
    // (400 naming it); a longer request line is refused by Node's parser first (431).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: maxHeaderSize },
    // Fastify's and Node's own refusals (malformed percent-encoding, a path segment over the
    // limit, malformed HTTP, oversized headers) are problem+json like every other error.
    frameworkErrors: (err, req, reply) => sendError(err, req, reply),
    clientErrorHandler,
    // JSON-schema routes (GraphQL's, the docs') compile their validators on first use.
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } }
  })

  // Signing key for cursors, derived so that it differs from the JWT key itself.
  app.decorate('cursors', new CursorCodec(sha256(`cursor:${opts.jwtSecret}`)))
  // JSON only: a text/plain body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain')
  const routeTable: RouteOptions[] = []
  app.decorate('routeTable', routeTable)
  // Kept by reference: plugins that set a route's auth mode in their own onRoute run later.
  app.addHook('onRoute', (route) => { routeTable.push(route) })

  await app.register(errors)
  await app.register(input)
  await app.register(db, { databaseUrl: opts.databaseUrl, poolMax: config.dbPoolMax, connectTimeoutMs: config.dbConnectTimeoutMs, statementTimeoutMs: config.statementTimeoutMs, preparedStatements: config.dbPreparedStatements, checkShapes: config.env === 'test', observeQuery: opts.observeQuery, observeRoundTrip: opts.observeRoundTrip })
  await app.register(security, { corsOrigins: config.corsOrigins })
  // Before auth: its hooks must run ahead of auth's (an address over its budget is refused
  // before any credential look-up); see src/plugins/rate-limit.ts.
  await app.register(rateLimit, { ...config.rateLimit, databaseUrl: opts.databaseUrl, connectTimeoutMs: config.dbConnectTimeoutMs })
  await app.register(auth, { jwtSecret: opts.jwtSecret, accessTtlSeconds: config.accessTtlSeconds })
  await app.register(idempotency)
  await app.register(health)
  await app.register(metrics, { token: config.metricsToken })
  await app.register(openapi)
  await app.register(graphql, config.graphql)
  await app.register(background)
  await app.register(jobs, { databaseUrl: opts.databaseUrl, work: config.role !== 'api', concurrency: config.jobs.concurrency, pollIntervalMs: config.jobs.pollIntervalMs, gracefulShutdownMs: config.jobs.shutdownMs })
  await registerModules(app, config)
  return app
}
