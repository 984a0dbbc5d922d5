import fp from 'fastify-plugin'
import type pg from 'pg'
import { createPool, type QueryObserver } from '../db/client.js'
import { Tx, withTx, type DbRole } from '../db/tx.js'

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool
    /** Opens a transaction as the given role (and tenant), outside any request. */
    openTx: (role: DbRole, orgId?: string, extraSql?: string) => ReturnType<typeof Tx.open>
    /** Runs fn in its own transaction bound to orgId; used by flows that start before auth. */
    withTenant: <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => Promise<T>
    /** Runs fn as the credential look-up role, which may read only what sign-in needs. */
    withAuthLookup: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
    /** Runs fn as herald_system, which may only find background work across organizations. */
    withSystemScan: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
  }
}

export interface DbPluginOptions {
  databaseUrl: string
  poolMax: number
  connectTimeoutMs?: number
  statementTimeoutMs: number
  observeQuery?: QueryObserver
}

export default fp<DbPluginOptions>(async (app, opts) => {
  const pool = createPool(opts.databaseUrl, { max: opts.poolMax, connectTimeoutMs: opts.connectTimeoutMs })
  const base = { statementTimeoutMs: opts.statementTimeoutMs, observe: opts.observeQuery }
  app.decorate('pool', pool)
  app.decorate('openTx', (role: DbRole, orgId?: string, extraSql?: string) => Tx.open(pool, { ...base, role, orgId }, extraSql))
  app.decorate('withTenant', <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_app', orgId }, fn))
  app.decorate('withAuthLookup', <T>(fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_auth' }, fn))
  app.decorate('withSystemScan', <T>(fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_system' }, fn))
  // Last to close: requests and jobs finish before the pool ends.
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'db' })
