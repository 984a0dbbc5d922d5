import type pg from 'pg'
import { createDatabase, type Database, type QueryObserver } from './client.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export type DbRole = 'herald_app' | 'herald_auth' | 'herald_system'

export interface TxOptions {
  role: DbRole
  orgId?: string
  statementTimeoutMs: number
  observe?: QueryObserver
}

function settingsSql (role: DbRole, orgId: string | undefined, timeoutMs?: number): string {
  if (orgId !== undefined && !UUID.test(orgId)) throw new Error('orgId must be a UUID')
  // Values are inlined (validated above, or constants) so BEGIN and the settings travel in one
  // round trip; set_config(..., true) is SET LOCAL: it ends with the transaction.
  const parts = [`set_config('role', '${role}', true)`, `set_config('app.org_id', '${orgId ?? ''}', true)`]
  if (timeoutMs !== undefined) parts.push(`set_config('statement_timeout', '${Math.trunc(timeoutMs)}', true)`)
  return `SELECT ${parts.join(', ')}`
}

/**
 * GraphQL resolves sibling fields concurrently, but one connection runs one statement at a time;
 * queue them explicitly instead of relying on pg's deprecated implicit queue. Once the
 * transaction has ended (committed, or rolled back because its client went away) nothing more
 * may be sent: the connection is back in the pool and may already serve another request.
 */
function serialized (client: pg.PoolClient, ended: () => boolean): pg.PoolClient {
  let tail: Promise<unknown> = Promise.resolve()
  const proxy = Object.create(client) as pg.PoolClient
  proxy.query = ((...args: unknown[]) => {
    const run = tail.then(() => {
      if (ended()) throw new TransactionEndedError()
      return (client.query as (...a: unknown[]) => Promise<unknown>)(...args)
    })
    tail = run.catch(() => {})
    return run
  }) as pg.PoolClient['query']
  return proxy
}

/** A statement sent after its transaction ended (typically: the client disconnected). */
export class TransactionEndedError extends Error {
  constructor () { super('The transaction has already ended; nothing more can run in it.') }
}

/**
 * One database transaction bound to one tenant (or to credential look-up before the tenant is
 * known). A request's reads and writes, its events and its idempotency record all go through
 * one of these, so they commit or roll back together.
 */
export class Tx {
  readonly db: Database
  private finished = false
  private readonly queued: pg.PoolClient

  private constructor (private readonly client: pg.PoolClient, observe?: QueryObserver) {
    this.queued = serialized(client, () => this.finished)
    this.db = createDatabase(this.queued, observe)
  }

  static async open (pool: pg.Pool, opts: TxOptions, extraSql = ''): Promise<{ tx: Tx, extra: pg.QueryResult | undefined }> {
    const client = await pool.connect()
    try {
      const sql = `BEGIN; ${settingsSql(opts.role, opts.orgId, opts.statementTimeoutMs)}${extraSql ? '; ' + extraSql : ''}`
      const res = await client.query(sql) as unknown as pg.QueryResult[]
      return { tx: new Tx(client, opts.observe), extra: extraSql ? res[res.length - 1] : undefined }
    } catch (err) {
      client.release(err as Error)
      throw err
    }
  }

  get done (): boolean { return this.finished }

  /** Switches this transaction to a tenant (after a credential look-up found the organization). */
  async enterTenant (orgId: string): Promise<void> {
    await this.client.query(settingsSql('herald_app', orgId))
  }

  async query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return await this.queued.query<R>(text, values)
  }

  async commit (): Promise<void> {
    if (this.finished) return
    this.finished = true
    try {
      await this.client.query('COMMIT')
      this.client.release()
    } catch (err) {
      this.client.release(err as Error)
      throw err
    }
  }

  async rollback (): Promise<void> {
    if (this.finished) return
    this.finished = true
    try {
      await this.client.query('ROLLBACK')
      this.client.release()
    } catch (err) {
      // A broken connection must not go back to the pool.
      this.client.release(err as Error)
    }
  }
}

/** Runs fn in a transaction of its own; commits on success, rolls back on any error. */
export async function withTx<T> (pool: pg.Pool, opts: TxOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const { tx } = await Tx.open(pool, opts)
  try {
    const result = await fn(tx)
    await tx.commit()
    return result
  } catch (err) {
    await tx.rollback()
    throw err
  }
}
