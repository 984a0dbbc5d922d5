import t from 'tap'
import pg from 'pg'
import { createDatabase, databaseUrl } from '../helper.js'
import { MIGRATION_LOCK, runMigrations, upToDate } from '../../src/db/migrate.js'

// A start migrates only a database that lacks a migration this build ships (src/db/migrate.ts,
// upToDate): most starts find every migration there, in one statement, and skip the migrators,
// their lock and their second connection.

const connect = async (t: { teardown: (fn: () => unknown) => void }, url: string) => {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  t.teardown(async () => { await c.end() })
  return c
}

t.test('on a migrated database, a start does not wait for the migration lock', async (t) => {
  const url = databaseUrl(await createDatabase(t))
  const c = await connect(t, url)
  t.equal(await upToDate(c), true, 'every migration is there')
  // Another instance holds the lock (as while it migrates): a start with nothing to do goes on.
  const holder = await connect(t, url)
  await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  t.teardown(async () => { await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]) })
  const outcome = await Promise.race([
    runMigrations(url).then(() => 'started'),
    new Promise((resolve) => setTimeout(() => { resolve('waited for the lock') }, 10_000).unref())
  ])
  t.equal(outcome, 'started')
})

t.test('a migration missing, of Herald or of the job queue, is not up to date', async (t) => {
  const url = databaseUrl(await createDatabase(t))
  const c = await connect(t, url)
  await c.query('BEGIN')
  await c.query('DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations)')
  t.equal(await upToDate(c), false, "Herald's newest migration missing")
  await c.query('ROLLBACK')
  await c.query('BEGIN')
  await c.query('DELETE FROM graphile_worker.migrations WHERE id = (SELECT max(id) FROM graphile_worker.migrations)')
  t.equal(await upToDate(c), false, "the job queue's newest migration missing")
  await c.query('ROLLBACK')
  t.equal(await upToDate(c), true, 'both there again')
})

t.test('an empty database is migrated, then up to date', async (t) => {
  const name = `${await createDatabase(t)}_empty`
  const admin = await connect(t, databaseUrl('postgres'))
  await admin.query(`CREATE DATABASE ${name}`)
  t.teardown(async () => { await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) })
  const url = databaseUrl(name)
  const c = await connect(t, url)
  t.equal(await upToDate(c), false, 'no schema yet')
  await runMigrations(url)
  t.equal(await upToDate(c), true, 'migrated')
  t.equal((await c.query("SELECT to_regclass('content_items') IS NOT NULL AS there")).rows[0].there, true, "Herald's tables are there")
})
