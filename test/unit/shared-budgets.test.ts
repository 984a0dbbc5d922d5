import t from 'tap'
import type pg from 'pg'
import { SharedBudgets } from '../../src/lib/shared-budgets.js'

// The window arithmetic and the reconciliation of SharedBudgets, on a clock the test moves and
// an in-memory stand-in for the counts table (the SQL itself runs in the fault tests).

function cluster () {
  const rows = new Map<string, number>()
  const pool = {
    async query (sql: string, params: any[]) {
      if (sql.includes('DELETE')) return { rows: [] }
      const [keys, windows, deltas] = params as [string[], number[], number[]]
      const out = []
      for (let i = 0; i < keys.length; i++) {
        const id = `${windows[i]}|${keys[i]}`
        if (deltas[i] !== 0) rows.set(id, (rows.get(id) ?? 0) + deltas[i])
        if (rows.has(id)) out.push({ key: keys[i], window_start: String(windows[i]), count: Math.max(0, rows.get(id)!) })
      }
      return { rows: out }
    }
  } as unknown as pg.Pool
  return { pool, rows }
}

const MIN = 60_000

t.test('a sliding window: no fresh budget at a boundary, and Retry-After is when one request fits again', async (t) => {
  let now = 10 * MIN + 50_000
  const b = new SharedBudgets({ pool: cluster().pool, windowMs: MIN, syncMs: 1000, now: () => now })
  for (let i = 0; i < 10; i++) t.ok((await b.take('k', 10)).allowed)
  const refused = await b.take('k', 10)
  t.notOk(refused.allowed, 'the eleventh in the window is refused')
  t.equal(refused.remaining, 0)
  t.equal(refused.resetSeconds, 10, 'the window ends in 10 s')
  // The next window starts in 10 s; then the ten weigh 9 once 6 s (10% of it) have passed.
  t.equal(refused.retryAfterSeconds, 16)
  now += 11_000
  t.notOk((await b.take('k', 10)).allowed, 'a second into the next window: the last minute still holds ten')
  now += 4_900
  t.notOk((await b.take('k', 10)).allowed, 'just before Retry-After: still refused')
  now += 200
  t.ok((await b.take('k', 10)).allowed, 'at Retry-After: admitted')
  t.notOk((await b.take('k', 10)).allowed, 'and only that one')
  b.give('k')
  t.ok((await b.take('k', 10)).allowed, 'a request given back is a request available')
})

t.test('two instances on one store share the budget once they have synced', async (t) => {
  let now = 20 * MIN + 1_000
  const { pool } = cluster()
  const a = new SharedBudgets({ pool, windowMs: MIN, syncMs: 1000, now: () => now })
  const b = new SharedBudgets({ pool, windowMs: MIN, syncMs: 1000, now: () => now })
  for (let i = 0; i < 30; i++) await a.take('k', 50)
  await a.sync()
  t.equal(b.peek('k', 50).remaining, 49, 'b has not seen them yet')
  await b.sync()
  t.equal(b.peek('k', 50).remaining, 19, 'b knows of a\'s thirty once both have synced')
  let admitted = 0
  for (let i = 0; i < 40; i++) {
    if ((await (i % 2 ? a : b).take('k', 50)).allowed) admitted++
    await (i % 2 ? a : b).sync()
  }
  // Each sees the other's requests one sync late: the stated slack, one request per other
  // instance here (a sync after every request).
  t.equal(admitted, 21, 'syncing after each request: the twenty left, plus one of slack')
  now += MIN
  t.equal(a.peek('k', 50).remaining, 0, 'the next window starts with the last one\'s weight')
})

t.test('counting goes on when the store is unreachable, and catches up', async (t) => {
  const now = 30 * MIN + 1_000
  const store = cluster()
  let down = true
  const troubles: Array<string | null> = []
  const pool = { query: async (sql: string, params: any[]) => { if (down) throw new Error('ECONNREFUSED'); return await store.pool.query(sql, params) } } as unknown as pg.Pool
  const a = new SharedBudgets({ pool, windowMs: MIN, syncMs: 1000, now: () => now, onSyncTrouble: (err) => troubles.push(err?.message ?? null) })
  for (let i = 0; i < 5; i++) await a.take('k', 50)
  await t.rejects(a.sync())
  await t.rejects(a.sync())
  t.equal(a.peek('k', 50).remaining, 44, 'admitted locally all the same')
  down = false
  await a.sync()
  t.equal(store.rows.get(`${30 * MIN}|k`), 5, 'the unsent counts arrive once it is back')
  t.same(troubles, ['ECONNREFUSED', null], 'trouble reported once, and its end once')
})
