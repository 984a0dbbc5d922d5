import fp from 'fastify-plugin'
import type pg from 'pg'
import { checkShapes, createPool, type QueryObserver, type RoundTripObserver } from '../db/client.js'
import { Tx, withTx, type DbRole, type Guard } from '../db/tx.js'

declare module 'fastify' {
  interface FastifyInstance {
    pool: pg.Pool
    /** A transaction as the given role (and tenant), outside any request (BEGIN travels with its first statement). */
    openTx: (role: DbRole, orgId?: string) => Promise<{ tx: Tx }>
    /** A unit of work for a request (see Tx: nothing is sent until its first statement). */
    unitOfWork: (opts: { role: DbRole, orgId?: string, readOnly?: boolean, guard?: Guard }) => Tx
    /** One statement as the given role (and tenant), in a round trip of its own, autocommit. */
    lookup: (role: DbRole, orgId: string | undefined, sql: string) => Promise<pg.QueryResult>
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
  /** Hot statements PREPAREd once per connection (default); false inlines every value. */
  preparedStatements?: boolean
  observeQuery?: QueryObserver
  observeRoundTrip?: RoundTripObserver
  /** Check every call of a kept prepared shape against the statement it builds (tests). */
  checkShapes?: boolean
}

export default fp<DbPluginOptions>(async (app, opts) => {
  if (opts.checkShapes) checkShapes(true)
  const pool = createPool(opts.databaseUrl, { max: opts.poolMax, connectTimeoutMs: opts.connectTimeoutMs })
  const base = { statementTimeoutMs: opts.statementTimeoutMs, prepare: opts.preparedStatements !== false, observe: opts.observeQuery, observeRoundTrip: opts.observeRoundTrip }
  app.decorate('pool', pool)
  app.decorate('openTx', async (role: DbRole, orgId?: string) => ({ tx: new Tx(pool, { ...base, role, orgId }) }))
  app.decorate('unitOfWork', (o: { role: DbRole, orgId?: string, readOnly?: boolean, guard?: Guard }) => new Tx(pool, { ...base, ...o }))
  app.decorate('lookup', async (role: DbRole, orgId: string | undefined, sql: string) => {
    const tx = new Tx(pool, { ...base, role, orgId, readOnly: true, observe: undefined })
    const res = await tx.query(sql)
    await tx.commit()
    return res
  })
  app.decorate('withTenant', <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_app', orgId }, fn))
  app.decorate('withAuthLookup', <T>(fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_auth' }, fn))
  app.decorate('withSystemScan', <T>(fn: (tx: Tx) => Promise<T>) => withTx(pool, { ...base, role: 'herald_system' }, fn))
  // Last to close: requests and jobs finish before the pool ends.
  app.addHook('onClose', async () => { await pool.end() })
}, { name: 'db' })
