import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type pg from 'pg'
import { createPool } from '../db/client.js'
import { clientAddress } from '../lib/client-address.js'
import { AppError } from '../lib/errors.js'
import { heraldMetrics } from './metrics.js'
import { verifyGuestToken } from '../lib/guest-tokens.js'
import { SharedBudgets, type Admission } from '../lib/shared-budgets.js'

// Rate limits that hold across instances, with no database round trip on the request path
// (the counts are reconciled through PostgreSQL in the background: src/lib/shared-budgets.ts).
// Two budgets per window:
// - per credential (a member, an API key, a guest link): RATE_LIMIT_MAX requests;
// - per client address, for traffic without a valid credential (none, malformed, forged,
//   expired, unknown or revoked, and the public sign-in routes): RATE_LIMIT_ANON_MAX. It is
//   checked before any database work, so a flood of made-up API keys costs no look-ups once
//   over. Requests with a valid credential never count against their address: an office
//   behind one NAT, or an integration platform calling for many customers from a few
//   addresses, is limited per credential. Once an address is over, only a signed token
//   (proven without the database) still passes from it; an API key needs a look-up to be
//   proven, so it waits like anyone else there.
// Checked as early as each credential is known: access and guest tokens (signature checked in
// onRequest) before their transaction opens, API keys right after their look-up. Both come
// before the idempotency plugin's replay, so replays count and carry the headers.
// Routes opt out with `config: { rateLimit: false }` (health, metrics, docs).

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route is not rate-limited (operational and documentation routes). */
    rateLimit?: false
  }
  interface FastifyInstance {
    /** Connections of the limiters (role herald_limiter): shared counters only. */
    limitsPool: pg.Pool
  }
}

export interface RateLimitOptions {
  databaseUrl: string
  max: number
  anonMax: number
  windowMs: number
  syncMs: number
  connectTimeoutMs?: number
}

const limited = Symbol('charged to the address budget')
const jwtShaped = Symbol('carries a signed token')

type LimitedRequest = FastifyRequest & { [limited]?: string, [jwtShaped]?: boolean }

function setHeaders (reply: FastifyReply, a: Admission): void {
  reply.header('ratelimit-limit', a.limit)
  reply.header('ratelimit-remaining', a.remaining)
  reply.header('ratelimit-reset', a.resetSeconds)
}

function refuse (reply: FastifyReply, a: Admission, why: string): AppError {
  heraldMetrics.rateLimitRefusals.inc({ limiter: 'requests' })
  setHeaders(reply, a)
  reply.header('retry-after', a.retryAfterSeconds)
  return new AppError('HERALD_RATE_LIMITED', `${why}; retry after ${a.retryAfterSeconds} seconds.`, {
    headers: { 'retry-after': String(a.retryAfterSeconds) }
  })
}

const bearer = (req: FastifyRequest): string | undefined => /^Bearer ([^\s]+)$/i.exec(req.headers.authorization ?? '')?.[1]

export default fp<RateLimitOptions>(async (app, opts) => {
  // A pool of its own: counting never waits behind requests for a connection, and its
  // connections start as herald_limiter, which may touch the counters and nothing else.
  const pool = createPool(opts.databaseUrl, { max: 2, connectTimeoutMs: opts.connectTimeoutMs, options: '-c role=herald_limiter' })
  app.decorate('limitsPool', pool)
  const budgets = new SharedBudgets({
    pool,
    windowMs: opts.windowMs,
    syncMs: opts.syncMs,
    onSyncTrouble: (err) => err
      ? app.log.warn({ err: err.message }, 'rate limits: cannot reach PostgreSQL to share counts; counting locally until it is back')
      : app.log.info('rate limits: sharing counts through PostgreSQL again')
  })
  budgets.start()
  app.addHook('onClose', async () => {
    await budgets.stop()
    await pool.end()
  })

  const windowText = opts.windowMs % 60_000 === 0 ? `${opts.windowMs / 60_000} minute(s)` : `${opts.windowMs / 1000} seconds`
  const addressKey = (req: FastifyRequest) => `a:${clientAddress(req.ip)}`

  /** A signed token is valid without the database: checked only for an address over its budget. */
  function provenWithoutDatabase (req: FastifyRequest, token: string): boolean {
    try {
      if (req.routeOptions.config?.auth === 'guest') verifyGuestToken(app.jwt, token)
      else if (app.jwt.verify<{ typ?: string }>(token).typ !== 'access') return false
      return true
    } catch {
      return false
    }
  }

  // Before authentication: the address budget, for everything that is not a signed token.
  app.addHook('onRequest', async (req: LimitedRequest, reply) => {
    if (req.routeOptions.config?.rateLimit === false) return
    const token = bearer(req)
    const key = addressKey(req)
    if (token && !token.startsWith('hrld_')) {
      // Counted afterwards if it turns out not to be valid (onResponse).
      req[jwtShaped] = true
      const a = budgets.peek(key, opts.anonMax)
      if (!a.allowed && !provenWithoutDatabase(req, token)) throw refuse(reply, a, 'Too many requests without a valid credential from this address')
      return
    }
    const a = await budgets.take(key, opts.anonMax)
    if (!a.allowed) throw refuse(reply, a, 'Too many requests without a valid credential from this address')
    req[limited] = key
    setHeaders(reply, a)
  })

  async function chargeCredential (reply: FastifyReply, key: string): Promise<void> {
    const a = await budgets.take(`c:${key}`, opts.max)
    if (!a.allowed) throw refuse(reply, a, `Rate limit of ${opts.max} requests per ${windowText} exceeded`)
    setHeaders(reply, a)
  }

  // Access and guest tokens are known from their signature: counted before their transaction.
  app.addHook('preValidation', async (req, reply) => {
    const c = req.credential
    if (!c || req.routeOptions.config?.rateLimit === false) return
    if (c.kind === 'access') await chargeCredential(reply, `member:${c.claims.mid}`)
    else if (c.kind === 'guest') await chargeCredential(reply, `guest:${c.claims.jti}`)
  })

  // API keys are known once looked up; before the idempotency plugin's replay.
  app.addHook('preHandler', async (req: LimitedRequest, reply) => {
    if (req.credential?.kind !== 'api_key' || !req.actor) return
    // A valid credential: the request does not count against its address after all.
    if (req[limited]) {
      budgets.give(req[limited])
      req[limited] = undefined
    }
    await chargeCredential(reply, `api_key:${req.actor.id}`)
  })

  // A signed token that did not authenticate (forged, expired, a removed member: a 401) is
  // traffic without a valid credential. (One refused for its own rate limit is not.)
  app.addHook('onResponse', async (req: LimitedRequest, reply) => {
    if (req[jwtShaped] && !req.actor && reply.statusCode === 401) await budgets.take(addressKey(req), opts.anonMax)
  })
}, { name: 'rate-limit', dependencies: ['db', 'errors'] })
