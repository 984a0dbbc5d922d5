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

export function createPool (connectionString: string, max: number): pg.Pool {
  // A second wall behind the request path's own (which ends a transaction when its client
  // goes): should anything ever leave a transaction idle, PostgreSQL ends it after a minute
  // rather than let it hold a pooled connection for ever.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, idle_in_transaction_session_timeout: 60_000 })
  // An idle client that loses its server (a restart, a terminated backend) must not crash the
  // process; the pool drops it and the next checkout opens a new connection.
  pool.on('error', () => {})
  // The same while a client is checked out: a connection that dies under a request fails that
  // request (its query rejects), never the process (an unhandled 'error' event would).
  pool.on('connect', (client) => { client.on('error', () => {}) })
  return pool
}

/** Drizzle over a client or a unit of work (which observes its statements itself). */
export function createDatabase (client: pg.Pool | pg.PoolClient): Database {
  return drizzle({ client, casing: 'snake_case' })
}
