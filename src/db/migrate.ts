import { readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { Logger, runMigrations as installJobQueue } from 'graphile-worker'
import { projectFile } from '../lib/project-files.js'

export const migrationsFolder = projectFile('migrations')

// graphile-worker reports each of its migrations at info level; the app's start-up log says enough.
const quietLogger = new Logger(() => (level, message) => { if (level === 'error') console.error(message) })

// Any constant will do, as long as every instance uses the same one.
const MIGRATION_LOCK = 7_460_311_127

/**
 * Applies pending migrations under a session advisory lock, so that several instances starting
 * at once apply each migration exactly once (the others wait, then find nothing to do); then,
 * under the same lock, installs or upgrades the job queue's schema (graphile_worker).
 */
export async function runMigrations (connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString })
  await client.connect()
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

export function expectedMigrationCount (): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

/** True when the database answers and has every migration this build ships with. */
export async function migrationsApplied (pool: pg.Pool, expected: number): Promise<boolean> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM drizzle.__drizzle_migrations'
  )
  return Number(rows[0].n) >= expected
}
