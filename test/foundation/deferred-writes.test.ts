import t from 'tap'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { createDatabase, databaseUrl } from '../helper.js'
import { withTx } from '../../src/db/tx.js'
import { deferWrite } from '../../src/db/tenant-rows.js'
import { pgTable, text } from 'drizzle-orm/pg-core'

// A deferred write (an event, a revision, a job) travels with the unit of work's next batch or
// its COMMIT, not when it is issued. Inside a savepoint it must run at once: deferred, it
// would be sent after a rolled-back savepoint and survive it.

const probe = pgTable('deferred_probe', { name: text().notNull() })

/**
 * A pool on a database of its own with a probe table, ended when fn is done: before the
 * database is dropped (a teardown, which would end its idle clients under it).
 */
async function withPool (t: Parameters<typeof createDatabase>[0], fn: (pool: pg.Pool) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl(await createDatabase(t)), max: 2 })
  pool.on('error', () => {})
  try {
    await pool.query('CREATE TABLE deferred_probe (name text NOT NULL); GRANT SELECT, INSERT ON deferred_probe TO PUBLIC')
    await fn(pool)
  } finally {
    await pool.end()
  }
}

t.test('a write deferred inside a rolled-back savepoint does not survive it; outside, it commits', async (t) => {
  await withPool(t, async (pool) => {
    const names = async () => (await pool.query<{ name: string }>('SELECT name FROM deferred_probe ORDER BY name')).rows.map((r) => r.name)
    await withTx(pool, { role: 'herald_app', statementTimeoutMs: 10_000 }, async (tx) => {
      await deferWrite(tx.db, tx.db.insert(probe).values({ name: 'kept' }))
      await tx.db.transaction(async (sp) => {
        await deferWrite(sp, sp.insert(probe).values({ name: 'rolled back' }))
        await sp.execute(sql`SELECT 1`)
        sp.rollback()
      }).catch(() => {})
    })
    t.same(await names(), ['kept'], 'the savepoint\'s write went with its savepoint; the other committed')
  })
})

t.test('a savepoint that succeeds commits nothing by itself: the unit of work still rolls back whole', async (t) => {
  await withPool(t, async (pool) => {
    const failed = await withTx(pool, { role: 'herald_app', statementTimeoutMs: 10_000 }, async (tx) => {
      await tx.db.insert(probe).values({ name: 'before' })
      await tx.db.transaction(async (sp) => { await sp.insert(probe).values({ name: 'inside' }) })
      // Still in the unit of work, with its settings: the role is the request's, not the pool's login.
      const [{ role }] = (await tx.db.execute(sql`SELECT current_user AS role`)).rows as Array<{ role: string }>
      t.equal(role, 'herald_app', 'the role setting outlives the savepoint')
      throw new Error('the request fails after its savepoint')
    }).catch((err: Error) => err.message)
    t.equal(failed, 'the request fails after its savepoint')
    t.same((await pool.query('SELECT name FROM deferred_probe')).rows, [], 'nothing was committed')
  })
})

t.test('nothing but the unit of work may begin or end its transaction', async (t) => {
  await withPool(t, async (pool) => {
    for (const statement of ['commit', 'ROLLBACK', 'begin', 'end']) {
      await t.rejects(withTx(pool, { role: 'herald_app', statementTimeoutMs: 10_000 }, async (tx) => await tx.db.execute(sql.raw(statement))),
        { message: /inside a unit of work: use db.transaction\(\)/ }, `${statement} is refused`)
    }
  })
})
