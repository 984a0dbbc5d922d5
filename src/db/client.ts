import pg from 'pg'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import * as schema from './schema.js'

export type Database = NodePgDatabase<typeof schema>

/** Called for every SQL statement the repositories send; tests count statements with it. */
export type QueryObserver = (sql: string) => void

export function createPool (connectionString: string, max: number): pg.Pool {
  // A second wall behind the request path's own (which ends a transaction when its client
  // goes): should anything ever leave a transaction idle, PostgreSQL ends it after a minute
  // rather than let it hold a pooled connection for ever.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, idle_in_transaction_session_timeout: 60_000 })
  // An idle client that loses its server (a restart, a terminated backend) must not crash the
  // process; the pool drops it and the next checkout opens a new connection.
  pool.on('error', () => {})
  return pool
}

export function createDatabase (client: pg.Pool | pg.PoolClient, observe?: QueryObserver): Database {
  return drizzle({
    client,
    schema,
    casing: 'snake_case',
    logger: observe ? { logQuery: (query) => observe(query) } : false
  })
}
