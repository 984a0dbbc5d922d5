import { createHash } from 'node:crypto'
import pg from 'pg'
import { Column, getTableName, is, Param, Placeholder, SQL, Subquery } from 'drizzle-orm'
import { NodePgDatabase, NodePgPreparedQuery, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres'
import { PgDialect } from 'drizzle-orm/pg-core'

/**
 * Drizzle over one unit of work. Built without the schema: the relational query API (unused
 * here) costs ~1 ms to set up per instance, and one is made per request.
 */
export type Database = NodePgDatabase

/** Called for every SQL statement sent; tests count statements with it. */
export type QueryObserver = (sql: string) => void
/** Called for every round trip to PostgreSQL with the statements it carried. */
export type RoundTripObserver = (statements: string[]) => void

export interface PoolOptions {
  max: number
  /** How long a request waits for a connection (pool exhausted, or the server slow to accept). */
  connectTimeoutMs?: number
  /** Sent at connection start-up, e.g. `-c role=herald_limiter`. */
  options?: string
}

export function createPool (connectionString: string, opts: PoolOptions): pg.Pool {
  // A second wall behind the request path's own (which ends a transaction when its client
  // goes): should anything ever leave a transaction idle, PostgreSQL ends it after a minute
  // rather than let it hold a pooled connection for ever.
  const pool = new pg.Pool({
    connectionString,
    max: opts.max,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: 60_000,
    ...(opts.options ? { options: opts.options } : {})
  })
  // An idle client that loses its server (a restart, a terminated backend) must not crash the
  // process; the pool drops it and the next checkout opens a new connection.
  pool.on('error', () => {})
  // pg-pool listens for errors only while a client is idle. A client that a request has checked
  // out emits 'error' when its server goes away (PostgreSQL killed or restarted, the backend
  // terminated) even between two statements, and an 'error' nobody listens to kills the
  // process. The request itself learns of it from its next statement, which fails and releases
  // the client as broken, so the listener has nothing left to do.
  pool.on('connect', (client) => { client.on('error', () => {}) })
  return pool
}

// SQLSTATEs that mean "the server cannot serve now", not "this request is wrong": class 08
// (connection exception), 53300 too_many_connections, 57P01-57P03 (terminated by an
// administrator, crash shutdown, cannot connect now: starting up, shutting down, recovering).
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/
// Socket errors while connecting or talking to the server.
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN'])
// node-postgres reports these with a message only.
// The last: a server-side prepared statement whose plan a migration of another instance
// outdated (isOutdatedPlan in src/db/preparing.ts; src/db/tx.ts closes its connection, so a
// retry finds a fresh one).
const UNAVAILABLE_MESSAGE = /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|Cannot use a pool after calling end on the pool|Client was closed and is not queryable|cached plan must not change result type)$/

/**
 * True when an error says the database could not be reached or went away (down, restarting,
 * out of connections, the pool exhausted past its connect time-out), as opposed to a bug or a
 * refused statement. Such a request is answered 503 with Retry-After. Looks through drizzle's
 * wrapping (`cause`) and Node's AggregateError (several addresses tried).
 */
export function isDatabaseUnavailable (err: unknown): boolean {
  const seen = new Set<unknown>()
  const queue: unknown[] = [err]
  while (queue.length) {
    const e = queue.shift() as { code?: unknown, message?: unknown, cause?: unknown, errors?: unknown } | null
    if (!e || typeof e !== 'object' || seen.has(e)) continue
    seen.add(e)
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_ERRNO.has(e.code))) return true
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true
    queue.push(e.cause)
    if (Array.isArray(e.errors)) queue.push(...e.errors)
  }
  return false
}

// One dialect for every unit of work: it holds drizzle's snake_case column-name cache, which a
// dialect per request (what `drizzle({ client })` builds) filled again on every request (3–4 %
// of a read's CPU). Dialects keep no per-query state, so sharing one is safe.
const dialect = new PgDialect({ casing: 'snake_case' })

interface Decoder { mapFromDriverValue: (v: unknown) => unknown }
interface SelectedField { path: string[], field: unknown }

/**
 * Rows (array mode) to objects, as drizzle's own mapResultRow does, but with each field's decoder
 * found once per statement instead of once per cell: drizzle asks `is(field, Column)` (a walk up
 * the prototype chain) for every value of every row, 11–16 % of the CPU of a GraphQL query
 * reading a few hundred rows. Same output: nested paths, and a left-joined table whose columns
 * are all null becomes null.
 */
function rowMapper (fields: readonly SelectedField[], joinsNotNullableMap: Record<string, boolean> | undefined): (row: unknown[]) => Record<string, unknown> {
  const n = fields.length
  const decoders: Decoder[] = []
  const paths: string[][] = []
  const tables: Array<string | undefined> = []
  let flat = true
  for (const { path, field } of fields) {
    const f = field as any
    decoders.push(is(f, Column) ? f : is(f, SQL) ? (f as any).decoder : is(f, Subquery) ? (f as any)._.sql.decoder : f.sql.decoder)
    paths.push(path)
    tables.push(joinsNotNullableMap && is(f, Column) && path.length === 2 ? getTableName(f.table) : undefined)
    if (path.length !== 1) flat = false
  }
  if (flat) {
    const keys = paths.map((p) => p[0])
    return (row) => {
      const out: Record<string, unknown> = {}
      for (let i = 0; i < n; i++) {
        const raw = row[i]
        out[keys[i]] = raw === null ? null : decoders[i].mapFromDriverValue(raw)
      }
      return out
    }
  }
  return (row) => {
    const out: Record<string, any> = {}
    const nullify: Record<string, string | false> = {}
    for (let i = 0; i < n; i++) {
      const path = paths[i]
      let node = out
      for (let j = 0; j < path.length - 1; j++) node = (node[path[j]] ??= {})
      const raw = row[i]
      const value = node[path[path.length - 1]] = raw === null ? null : decoders[i].mapFromDriverValue(raw)
      const table = tables[i]
      if (table !== undefined) {
        const object = path[0]
        if (!(object in nullify)) nullify[object] = value === null ? table : false
        else if (typeof nullify[object] === 'string' && nullify[object] !== table) nullify[object] = false
      }
    }
    if (joinsNotNullableMap) {
      for (const [object, table] of Object.entries(nullify)) {
        if (typeof table === 'string' && !joinsNotNullableMap[table]) out[object] = null
      }
    }
    return out
  }
}

/**
 * A prepared statement's parameters with the values of a call, as drizzle's fillPlaceholders
 * fills them, except that null stays NULL for a column's placeholder: drizzle's encodes it (a
 * null jsonb became the JSON text 'null'), where a null given directly is NULL.
 */
export function fillValues (params: readonly unknown[], values: Record<string, unknown>): unknown[] {
  return params.map((p) => {
    const placeholder = is(p, Placeholder) ? p : is(p, Param) && is(p.value, Placeholder) ? p.value : undefined
    if (!placeholder) return p
    if (!(placeholder.name in values)) throw new Error(`No value for placeholder "${placeholder.name}" was provided`)
    const v = values[placeholder.name]
    return placeholder === p || v === null ? v : (p as Param).encoder!.mapToDriverValue(v)
  })
}

/** Whether preparedShapes checks each kept statement against the one a call builds (on under test: checkShapes). */
let CHECK_SHAPES = false
/** Tests (NODE_ENV=test, through the db plugin) have every call of a kept shape checked; see preparedShapes. */
export function checkShapes (on: boolean): void { CHECK_SHAPES = on }

/**
 * drizzle's node-postgres prepared query, executed without its per-call extras this app does
 * not use (tracing spans, the logger, the query cache) and with rows mapped by rowMapper.
 */
class FastPreparedQuery extends NodePgPreparedQuery<any> {
  override async execute (placeholderValues: Record<string, unknown> = {}): Promise<any> {
    const self = this as any
    const params = fillValues(self.params, placeholderValues)
    const client = self.client as pg.PoolClient
    if (!self.fields && !self.customResultMapper) return await client.query(self.rawQueryConfig, params)
    const result = await client.query(self.queryConfig, params)
    if (self.customResultMapper) return self.customResultMapper(result.rows)
    return result.rows.map(rowMapper(self.fields, self.joinsNotNullableMap))
  }
}

class FastSession extends NodePgSession<any, any> {
  override prepareQuery (query: any, fields: any, name: any, isResponseInArrayMode: boolean, customResultMapper?: any, queryMetadata?: any, cacheConfig?: any): any {
    const self = this as any
    return new FastPreparedQuery(self.client, query.sql, query.params, self.logger, self.cache, queryMetadata, cacheConfig, fields, name, isResponseInArrayMode, customResultMapper)
  }

  /**
   * `db.transaction(fn)` over a unit of work is a SAVEPOINT in its transaction. Drizzle's own
   * sends BEGIN/COMMIT/ROLLBACK on any client that is not a pool: inside a request's
   * transaction its COMMIT committed the request's work so far (and ended its role and tenant
   * settings, which are transaction-local), and its ROLLBACK undid it. A savepoint is what a
   * caller means (crisis rules evaluated one by one at ingestion); drizzle's nested
   * transaction, which a savepoint is, does the rest (release, or rollback to it on error).
   */
  override async transaction<T> (fn: (tx: any) => Promise<T>, config?: any): Promise<T> {
    const self = this as any
    if (self.client instanceof pg.Pool) return await super.transaction(fn, config)
    return await new NodePgTransaction(self.dialect, this, self.schema, 0).transaction(fn)
  }
}

/** Drizzle over a client or a unit of work (which observes its statements itself). */
export function createDatabase (client: pg.Pool | pg.PoolClient): Database {
  const db = new NodePgDatabase(dialect, new FastSession(client, dialect, undefined, {}), undefined) as Database & { $client: unknown }
  db.$client = client
  return db
}

const names = new Map<string, string>()

/** The server-side name of a statement's text (the same text, the same name). */
export function statementName (text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    name = `herald_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    if (names.size >= 1024) names.delete(names.keys().next().value!)
    names.set(text, name)
  }
  return name
}

/**
 * Marks a statement drizzle built once to run as a server-side prepared statement in a unit of
 * work (Tx: PREPARE once per connection, then EXECUTE with the call's values). Its name is a
 * hash of its text: a shape built again (preparedShapes forgets its oldest) finds the statement
 * its connections already hold, and one name is never two texts. pg itself never sees the name
 * (a protocol-level named statement would share PostgreSQL's namespace and cannot be batched).
 */
export function serverSide<S extends object> (statement: S): S {
  const s = statement as unknown as { queryConfig: { text: string, prepareAs?: string }, rawQueryConfig: { prepareAs?: string } }
  const name = statementName(s.queryConfig.text)
  s.queryConfig.prepareAs = name
  s.rawQueryConfig.prepareAs = name
  return statement
}

/** Where prepared() builds its statements: never sent anything (each run names its own unit of work). */
export const builder = createDatabase({} as pg.PoolClient)

/**
 * A statement drizzle builds ONCE, with named placeholders (sql.placeholder('id')), then runs in
 * any unit of work with the values of the call: building a select (its column list, casing,
 * the typing of every parameter) was 15–20 % of a simple read's CPU, for text that never
 * changes. The statement still goes through the unit of work (batched, tenant settings, the
 * guard), and its rows are mapped as any other's.
 */
export function prepared<Row> (build: (db: Database) => unknown): (db: Database, values: Record<string, unknown>) => Promise<Row[]> {
  let statement: object | undefined
  return async (db, values) => {
    // _prepare: drizzle's own step from a query builder to its statement (what execute() does).
    statement ??= serverSide((build(builder) as { _prepare: () => object })._prepare())
    return await runPrepared<Row>(statement, db, values)
  }
}

/**
 * prepared() for statements whose text depends on the call (which filters a list has, its sort,
 * whether it continues after a cursor): one statement per shape, built the first time that
 * shape is asked for, named by the caller's key (a ShapeBinder's names plus what else shapes
 * it), and run with the call's values. At most `max` shapes are kept (the oldest built goes).
 * Building a list's select took ~110 µs a call, about 4 % of a list request's CPU.
 */
export function preparedShapes<Row> (max = 256): (db: Database, key: string, build: (db: Database) => unknown, values: Record<string, unknown>) => Promise<Row[]> {
  const statements = new Map<string, object>()
  return async (db, key, build, values) => {
    let statement = statements.get(key)
    // Under test, every call also builds its statement and must find the kept one's text: a
    // clause that changes the text without binding a value (a literal written under a
    // condition) would otherwise reuse another caller's statement under the same key.
    if (statement && CHECK_SHAPES) {
      const text = (build(builder) as { toSQL: () => { sql: string } }).toSQL().sql
      const kept = (statement as { queryString: string }).queryString
      if (text !== kept) throw new Error(`preparedShapes: shape "${key}" built a different statement than the one kept for it; a clause that changes the text must bind a value, so that the key tells the shapes apart\n${text}\n${kept}`)
    }
    if (!statement) {
      statement = serverSide((build(builder) as { _prepare: () => object })._prepare())
      // A value written into the statement rather than bound would be reused by every later
      // call of the shape (another call's filter, another tenant's id): refuse it outright.
      const params = (statement as { params: unknown[] }).params
      if (params.some((p) => !(is(p, Placeholder) || (is(p, Param) && is(p.value, Placeholder))))) {
        throw new Error(`preparedShapes: the statement of shape "${key}" holds a value that is not a placeholder; bind every value`)
      }
      if (statements.size >= max) statements.delete(statements.keys().next().value!)
      statements.set(key, statement)
    }
    return await runPrepared<Row>(statement, db, values)
  }
}

async function runPrepared<Row> (statement: object, db: Database, values: Record<string, unknown>): Promise<Row[]> {
  // The session's client, not db.$client: a savepoint's database (db.transaction) has a
  // session over the same unit of work but no $client of its own.
  const client = (db as unknown as { session: { client: unknown } }).session.client
  const run = Object.create(statement, { client: { value: client } }) as { execute: (v: Record<string, unknown>) => Promise<Row[]> }
  return await run.execute(values)
}
