import fp from 'fastify-plugin'
import { expectedMigrationCount, migrationsApplied } from '../db/migrate.js'
import { AppError } from '../lib/errors.js'

// /healthz: the process runs. /readyz: the database answers and has every migration this build
// expects; it follows the database down and up again without a restart, and turns 503 as soon
// as shutdown starts so a load balancer drains this instance first.
export default fp(async (app) => {
  const expected = expectedMigrationCount()
  let closing = false
  app.addHook('preClose', async () => { closing = true })

  const noLimit = { auth: 'public' as const, rateLimit: false as const }

  app.get('/healthz', { config: noLimit, logLevel: 'warn' }, async () => ({ status: 'ok' }))

  app.get('/readyz', { config: noLimit, logLevel: 'warn' }, async () => {
    if (closing) throw new AppError('HERALD_UNAVAILABLE', 'Shutting down.')
    let ok = false
    try {
      ok = await Promise.race([
        migrationsApplied(app.pool, expected),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref())
      ])
    } catch {
      ok = false
    }
    if (!ok) throw new AppError('HERALD_UNAVAILABLE', 'The database is not reachable or not migrated yet.')
    return { status: 'ready' }
  })
}, { name: 'health', dependencies: ['db', 'errors'] })
