import fp from 'fastify-plugin'
import { expectedMigrationCount, migrationsApplied } from '../db/migrate.js'
import { AppError } from '../lib/errors.js'
import { UNAVAILABLE_RETRY_AFTER } from './errors.js'

// /healthz: the process runs. /readyz: the database answers and has every migration this build
// expects; it follows the database down and up again without a restart, and turns 503 as soon
// as shutdown starts so a load balancer drains this instance first.
export default fp(async (app) => {
  const expected = expectedMigrationCount()
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  const retry = { headers: { 'retry-after': UNAVAILABLE_RETRY_AFTER } }
  // A request that arrives once shutdown has begun (on a kept-alive connection) is refused in
  // the house's problem+json with Retry-After, and its connection closed so the client's retry
  // goes to another instance. (Fastify's own return503OnClosing, turned off in app.ts, would
  // answer with a JSON body of its own.) Requests already in flight are not affected.
  app.addHook('onRequest', async (req, reply) => {
    // Operational and documentation routes (not rate-limited, no database) keep answering;
    // /readyz says 503 itself.
    if (!closing || req.routeOptions.config?.rateLimit === false) return
    reply.header('connection', 'close')
    throw new AppError('HERALD_UNAVAILABLE', 'This instance is shutting down; retry shortly.', retry)
  })

  const noLimit = { auth: 'public' as const, rateLimit: false as const }

  app.get('/healthz', { config: noLimit, logLevel: 'warn' }, async () => ({ status: 'ok' }))

  app.get('/readyz', { config: noLimit, logLevel: 'warn' }, async () => {
    if (closing) throw new AppError('HERALD_UNAVAILABLE', 'Shutting down.', retry)
    let ok = false
    try {
      ok = await Promise.race([
        migrationsApplied(app.pool, expected),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref())
      ])
    } catch {
      ok = false
    }
    if (!ok) throw new AppError('HERALD_UNAVAILABLE', 'The database is not reachable or not migrated yet.', retry)
    return { status: 'ready' }
  })
}, { name: 'health', dependencies: ['db', 'errors'] })
