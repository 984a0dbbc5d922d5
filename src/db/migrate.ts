import { readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { Logger, runMigrations as installJobQueue } from 'graphile-worker'
// The job queue's migrations as graphile-worker ships them ("000019.sql" ...): its newest is what
// its own migrator brings a database to.
import { migrations as jobQueueMigrations } from 'graphile-worker/dist/generated/sql.js'
import { projectFile } from '../lib/project-files.js'

export const migrationsFolder = projectFile('migrations')

// graphile-worker reports each of its migrations at info level; the app's start-up log says enough.
const quietLogger = new Logger(() => (level, message) => { if (level === 'error') console.error(message) })

// Any constant will do, as long as every instance uses the same one.
export const MIGRATION_LOCK = 7_460_311_127

/**
 * Applies pending migrations under a session advisory lock, so that several instances starting
 * at once apply each migration exactly once (the others wait, then find nothing to do); then,
 * under the same lock, installs or upgrades the job queue's schema (graphile_worker).
 */
export async function runMigrations (connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  if (await upToDate(client)) {
    await client.end()
    return
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await migrate(drizzle({ client }), { migrationsFolder })
    const pool = new pg.Pool({ connectionString, max: 1 })
    pool.on('error', () => {})
    pool.on('connect', (c) => { c.on('error', () => {}) })
    try {
      await installJobQueue({ pgPool: pool, logger: quietLogger })
    } finally {
      await pool.end()
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
    await client.end()
  }
}

interface Journal { entries: Array<{ when: number }> }
const journal = (): Journal => JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as Journal

export function expectedMigrationCount (): number {
  return journal().entries.length
}

/**
 * True when the database has every migration this build ships, Herald's and the job queue's:
 * one statement, no lock. Most starts find it so (every start after the first of a release),
 * and then skip the two migrators, which would take the lock, check again what exists, and open
 * a second connection for the job queue's schema: ~50 ms of a start here. Herald's are current
 * when the newest recorded is at least the journal's last (drizzle applies those newer than its
 * newest record, and records them in the transaction that applies them); the job queue's when
 * its newest is graphile-worker's own newest (a database ahead of it takes the migrator's path,
 * which says whether that is safe). A schema not there yet fails the statement: the migrators
 * create it.
 */
export async function upToDate (client: pg.ClientBase): Promise<boolean> {
  const entries = journal().entries
  const queueNewest = Math.max(...Object.keys(jobQueueMigrations).map((file) => parseInt(file, 10)))
  try {
    const { rows: [row] } = await client.query<{ herald: string | null, queue: number | null }>(
      'SELECT (SELECT max(created_at) FROM drizzle.__drizzle_migrations)::text AS herald, (SELECT max(id) FROM graphile_worker.migrations) AS queue'
    )
    return row.herald !== null && Number(row.herald) >= entries[entries.length - 1].when && row.queue === queueNewest
  } catch {
    return false
  }
}

/** True when the database answers and has every migration this build ships with. */
export async function migrationsApplied (pool: pg.Pool, expected: number): Promise<boolean> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM drizzle.__drizzle_migrations'
  )
  return Number(rows[0].n) >= expected
}
