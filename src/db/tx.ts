import type pg from 'pg'
import { createDatabase, type Database } from './client.js'
import { isOutdatedPlan, Preparing } from './preparing.js'
import { asObjects, DRIZZLE_TYPES, TRANSACTION_CONTROL, TransactionEndedError } from './statements.js'
import { composeMessage, type Deferred, type Message, type Pending, type QueryConfigLike, type State, type TxOptions } from './tx-message.js'

export { TransactionEndedError, type DbRole } from './statements.js'
export type { Guard, TxOptions } from './tx-message.js'

/**
 * One unit of database work bound to one tenant (or to credential look-up before the tenant is
 * known): a request's reads and writes, its events and its idempotency record. Nothing is sent
 * until the first statement: then the settings (role, tenant, timeout), the credential's guard
 * and every statement issued in the same turn of the event loop travel in ONE round trip, as
 * one simple-protocol message (values inlined by pg's own quoting). Statements issued together
 * later are batched the same way; a lone statement of an open transaction goes as it is, with
 * its parameters. Writes open an explicit transaction (BEGIN travels with the first batch) that
 * commits or rolls back at the end; reads run in autocommit and hold no connection between
 * batches. `defer` queues a write whose answer nobody waits for (an event, a touch of
 * lastUsedAt): it rides with the next batch or with COMMIT, and its failure fails them.
 */
export class Tx {
  readonly db: Database
  private state: State = 'lazy'
  private client: pg.PoolClient | undefined
  private pending: Pending[] = []
  private deferred: Deferred[] = []
  private scheduled = false
  /** The connection must not go back to the pool (its prepared statements are in doubt). */
  private discard = false
  private running: Promise<void> = Promise.resolve()

  private readonly opts: TxOptions

  constructor (private readonly pool: pg.Pool, opts: TxOptions) {
    this.opts = { ...opts }
    this.db = createDatabase(this as unknown as pg.PoolClient)
  }

  get done (): boolean { return this.state === 'done' }

  /**
   * When this write's transaction began, as PostgreSQL's now() (what every `defaultNow()`
   * column takes, for the whole transaction), to the millisecond as instant columns keep it.
   * Known once the first batch has come back (it rides on the settings statement); undefined
   * before, and for reads (each of their batches is a transaction of its own). With it, a
   * writer can know a row's timestamps without RETURNING (insertKnown).
   */
  startedAt: Date | undefined

  /**
   * Says the work only reads (a GraphQL query arriving by POST), while nothing has been sent
   * yet: it then runs in autocommit like a GET.
   */
  readOnly (): void {
    if (this.state === 'lazy') this.opts.readOnly = true
  }

  /** Sends a statement (batched with any others issued in the same turn). */
  async query<R extends pg.QueryResultRow = any>(textOrConfig: string | QueryConfigLike, values?: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.state === 'done') throw new TransactionEndedError()
    const config = typeof textOrConfig === 'string' ? undefined : textOrConfig
    const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text
    // The unit of work alone begins and ends its transaction: a COMMIT from a caller would
    // commit the work midway and drop its role and tenant settings (transaction-local).
    if (TRANSACTION_CONTROL.test(text)) throw new Error(`"${text.slice(0, 40)}" inside a unit of work: use db.transaction(), which is a savepoint`)
    this.opts.observe?.(text)
    return await new Promise<pg.QueryResult<R>>((resolve, reject) => {
      this.pending.push({ text, values: values ?? config?.values, config, resolve: resolve as (r: pg.QueryResult) => void, reject })
      this.schedule()
    })
  }

  /**
   * Queues a write nobody waits for; it travels with the next batch, or with COMMIT. `prepare`:
   * its text is the same on every call (values only in `values`), so it may run as a prepared
   * statement; never for a text that varies per call, which each connection would keep.
   */
  defer (text: string, values?: readonly unknown[], opts?: { prepare?: boolean }): void {
    if (this.state === 'done') throw new TransactionEndedError()
    this.opts.observe?.(text)
    this.deferred.push({ text, values, prepare: opts?.prepare === true })
  }

  private schedule (): void {
    if (this.scheduled) return
    this.scheduled = true
    // After the current turn: statements issued by concurrent resolvers, loaders or
    // Promise.all in the same turn join the batch.
    process.nextTick(() => {
      this.scheduled = false
      this.running = this.running.then(async () => { await this.flush() })
    })
  }

  private statementsFor (batch: readonly Pending[], preparing: Preparing): Message {
    return composeMessage(this.state, this.opts, this.deferred.splice(0), batch, preparing)
  }

  private async connection (): Promise<pg.PoolClient> {
    if (!this.client) {
      this.client = await this.pool.connect()
    }
    return this.client
  }

  private release (err?: Error): void {
    const client = this.client
    this.client = undefined
    // A connection in doubt is closed; the work's next connection (a read's next batch) is not.
    const broken = err ?? (this.discard ? new Error('its prepared statements are in doubt') : undefined)
    this.discard = false
    client?.release(broken)
  }

  private async flush (): Promise<void> {
    const batch = this.pending.splice(0)
    if (batch.length === 0) return
    if (this.state === 'done') {
      for (const p of batch) p.reject(new TransactionEndedError())
      return
    }
    try {
      // A lone statement of an open transaction keeps its parameters (extended protocol).
      if (this.state === 'open' && batch.length === 1 && this.deferred.length === 0 && batch[0].config?.prepareAs === undefined) {
        const [p] = batch
        const client = await this.connection()
        this.opts.observeRoundTrip?.([p.text])
        p.resolve(await client.query(p.config ? { ...p.config, values: p.values } as any : { text: p.text, values: p.values } as any))
        return
      }
      const first = this.state === 'lazy'
      const deferred = this.deferred.slice()
      let preparing = await this.preparing()
      let { statements, guardAt, settingsAt } = this.statementsFor(batch, preparing)
      // From here a write has an open transaction, even if a statement of this batch fails (it
      // is then aborted, and rollback must say so to the connection before it goes back).
      if (this.state === 'lazy') this.state = this.opts.readOnly ? 'auto' : 'open'
      let results: pg.QueryResult[]
      try {
        results = await this.sendPrepared(statements, preparing)
      } catch (err) {
        // A read whose prepared plan another instance's migration outdated holds nothing and
        // changed nothing (its deferred writes rolled back with it): it runs again, once, on a
        // fresh connection (the old one was closed, see send). A write's transaction is
        // aborted by then; it is answered 503 with Retry-After (isDatabaseUnavailable).
        if (!this.opts.readOnly || !isOutdatedPlan(err)) throw err
        if (first) this.state = 'lazy'
        this.deferred.splice(0, this.deferred.length, ...deferred)
        preparing = await this.preparing()
        ;({ statements, guardAt, settingsAt } = this.statementsFor(batch, preparing))
        if (this.state === 'lazy') this.state = 'auto'
        results = await this.sendPrepared(statements, preparing)
      }
      if (settingsAt >= 0 && !this.opts.readOnly) this.startedAt = new Date((results[settingsAt].rows[0] as unknown[]).at(-1) as number)
      if (guardAt >= 0 && results[guardAt].rows.length === 0) {
        const refused = this.opts.guard!.refused()
        await this.end(false)
        for (const p of batch) p.reject(refused)
        return
      }
      const mine = results.slice(results.length - batch.length)
      batch.forEach((p, i) => { p.resolve(p.config?.rowMode === 'array' ? mine[i] : asObjects(mine[i])) })
    } catch (err) {
      // An error in an open transaction aborts it: the rest must not run, the caller rolls back.
      for (const p of batch) p.reject(err)
    }
  }

  /** What the next message prepares, on this unit of work's connection. */
  private async preparing (): Promise<Preparing> {
    return new Preparing(await this.connection(), this.opts.observeRoundTrip !== undefined, this.opts.prepare !== false)
  }

  /** send(), then records the PREPAREs the message made. */
  private async sendPrepared (statements: string[], preparing: Preparing): Promise<pg.QueryResult[]> {
    const results = await this.send(statements, preparing)
    preparing.made()
    return results
  }

  /**
   * Sends statements as one message; every result comes back in array mode. The observer sees
   * the work's statements as SQL (an EXECUTE as the statement it runs, its values inlined); a
   * PREPARE is the connection's, once, not the request's, and is left out.
   */
  private async send (statements: string[], preparing?: Preparing): Promise<pg.QueryResult[]> {
    const client = await this.connection()
    const text = statements.join(';\n')
    if (this.opts.observeRoundTrip) {
      const shown = preparing?.shown
      this.opts.observeRoundTrip(shown ? statements.filter((s) => !s.startsWith('PREPARE ')).map((s) => shown.get(s) ?? s) : statements)
    }
    try {
      const res = await client.query({ text, rowMode: 'array', types: DRIZZLE_TYPES } as any) as unknown as pg.QueryResult | pg.QueryResult[]
      return Array.isArray(res) ? res : [res]
    } catch (err) {
      // Which of this message's PREPAREs were made is unknown: the connection goes, not back
      // to the pool. So does one whose prepared statement a migration outdated ("cached plan
      // must not change result type", 0A000), which every later use would fail with too.
      if ((preparing?.prepares.length ?? 0) + (preparing?.leading ?? 0) > 0 || isOutdatedPlan(err)) this.discard = true
      throw err
    } finally {
      // Reads in autocommit hold no connection between batches.
      if (this.opts.readOnly) this.release()
    }
  }

  /**
   * Ends the work: sends what is still queued, then commits (writes) or, for reads, just the
   * deferred writes. Work that never touched the database still proves its credential (the
   * guard), so a removed member is refused even by a route that reads nothing.
   */
  async commit (): Promise<void> {
    await this.running
    if (this.pending.length) {
      this.running = this.running.then(async () => { await this.flush() })
      await this.running
    }
    if (this.state === 'done') return
    const write = !this.opts.readOnly
    if (this.state === 'lazy' && !this.opts.guard && this.deferred.length === 0) { this.state = 'done'; return }
    if (this.state === 'auto' && this.deferred.length === 0) { this.state = 'done'; return }
    const preparing = await this.preparing()
    const { statements, guardAt } = this.statementsFor([], preparing)
    if (write) statements.push('COMMIT')
    this.state = 'done'
    try {
      const results = await this.sendPrepared(statements, preparing)
      if (guardAt >= 0 && results[guardAt].rows.length === 0) throw this.opts.guard!.refused()
      // The COMMIT of a transaction that a statement aborted answers ROLLBACK.
      const last = results[results.length - 1] as pg.QueryResult & { command?: string }
      if (write && last?.command === 'ROLLBACK') throw new Error('the transaction was rolled back by the database')
      this.release()
    } catch (err) {
      // After a failed statement the rest of the message (COMMIT included) never ran.
      if (write && this.client) await this.client.query('ROLLBACK').then(() => { this.release() }, (e) => { this.release(e as Error) })
      throw err
    }
  }

  /** Abandons the work: rolls an open transaction back; what was queued is dropped. */
  async rollback (): Promise<void> {
    await this.end(true)
  }

  private async end (waitRunning: boolean): Promise<void> {
    if (waitRunning) await this.running.catch(() => {})
    if (this.state === 'done' && !this.client) return
    const wasOpen = this.state === 'open'
    this.state = 'done'
    for (const p of this.pending.splice(0)) p.reject(new TransactionEndedError())
    this.deferred.length = 0
    if (!this.client) return
    if (!wasOpen) { this.release(); return }
    try {
      await this.client.query('ROLLBACK')
      this.release()
    } catch (err) {
      // A broken connection must not go back to the pool.
      this.release(err as Error)
    }
  }
}

/**
 * The unit of work a database runs in, when writes may be deferred to it (Tx.defer): only the
 * request's own database. A savepoint's database (db.transaction) has none on purpose: a write
 * deferred from inside a savepoint would still be sent after the savepoint was rolled back, so
 * there it runs at once.
 */
export function deferrableTx (db: Database | undefined): Tx | undefined {
  const client = (db as unknown as { $client?: unknown } | undefined)?.$client
  return client instanceof Tx ? client : undefined
}

/** Runs fn in a unit of work of its own; commits on success, rolls back on any error. */
export async function withTx<T> (pool: pg.Pool, opts: TxOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = new Tx(pool, opts)
  try {
    const result = await fn(tx)
    await tx.commit()
    return result
  } catch (err) {
    await tx.rollback()
    throw err
  }
}
