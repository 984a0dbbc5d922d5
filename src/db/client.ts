import pg from 'pg'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'

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
const UNAVAILABLE_MESSAGE = /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|Cannot use a pool after calling end on the pool|Client was closed and is not queryable)$/

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

/** Drizzle over a client or a unit of work (which observes its statements itself). */
export function createDatabase (client: pg.Pool | pg.PoolClient): Database {
  return drizzle({ client, casing: 'snake_case' })
}
