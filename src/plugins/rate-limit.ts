import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { AppError } from '../lib/errors.js'
import { heraldMetrics } from './metrics.js'

export interface RateLimitOptions { max: number, windowMs: number }

// Keyed by credential once it is known (preHandler runs after authentication), by address for
// anonymous calls. The store is in memory, so with several instances the limit is per instance.
export default fp<RateLimitOptions>(async (app, opts) => {
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.max,
    timeWindow: opts.windowMs,
    enableDraftSpec: true,
    onExceeded: () => heraldMetrics.rateLimitRefusals.inc({ limiter: 'requests' }),
    keyGenerator: (req) => (req.actor ? `${req.actor.kind}:${req.actor.id}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) => new AppError('HERALD_RATE_LIMITED', `Rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry after ${Math.ceil(ctx.ttl / 1000)} seconds.`, {
      headers: { 'retry-after': String(Math.ceil(ctx.ttl / 1000)) }
    })
  })
}, { name: 'rate-limit', dependencies: ['auth'] })
