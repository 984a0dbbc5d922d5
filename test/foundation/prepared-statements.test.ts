import t from 'tap'
import { bearer, createTestApp } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { createItem, socialAccount } from '../factories-content.js'

// Hot statements run as server-side prepared statements (PREPARE once per connection, EXECUTE
// per request, in the request's one message: src/db/tx.ts). What a user must not notice: a
// migration run by another instance while this one serves (a column's type changed under
// statements its connections hold), and tenants sharing one connection's prepared statements.
// One pooled connection, so the statements the test prepares are the ones it then runs.

t.test('prepared statements and schema changes made by another instance', async (t) => {
  const h = await createTestApp(t, { DB_POOL_MAX: '1' })
  const a = await signup(h, 'prep')
  const brand = await createBrand(h, a)
  const x = await socialAccount(h, a.orgId, brand.id)
  const item = await createItem(h, a, { brandId: brand.id, title: 'Before', targets: [{ socialAccountId: x }] })
  const get = async () => await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })
  const patch = async (title: string) => await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { title } })

  t.equal((await get()).statusCode, 200, 'a read prepares its statement')
  t.equal((await patch('Edited')).statusCode, 200, 'an edit prepares its own')
  const held = await h.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = '' AND pid <> pg_backend_pid()")
  t.ok(held[0].n >= 1, 'the connection that holds them is still open')

  await h.sql('ALTER TABLE content_items ALTER COLUMN title TYPE varchar(2000)')

  const edit = await patch('After the migration')
  t.equal(edit.statusCode, 503, 'an edit whose plan the migration outdated is refused as retryable, not failed')
  t.match(edit.headers['content-type'], /^application\/problem\+json/)
  t.ok(Number(edit.headers['retry-after']) >= 1, 'with Retry-After')
  const again = await patch('After the migration')
  t.equal(again.statusCode, 200, 'sent again, the edit lands (a fresh connection)')
  t.equal(again.json().title, 'After the migration')

  t.equal((await get()).statusCode, 200, 'the read prepares its statement on the fresh connection')
  await h.sql('ALTER TABLE content_items ALTER COLUMN title TYPE text')
  const read = await get()
  t.equal(read.statusCode, 200, 'a read whose plan the migration outdated is run again at once, unseen')
  t.equal(read.json().title, 'After the migration')
  t.equal((await get()).json().title, 'After the migration', 'and the next read too')
})

t.test('DB_PREPARED_STATEMENTS=false: every value inlined, nothing prepared, so nothing to outdate', async (t) => {
  const h = await createTestApp(t, { DB_POOL_MAX: '1', DB_PREPARED_STATEMENTS: 'false' })
  const a = await signup(h, 'unprep')
  const brand = await createBrand(h, a)
  const x = await socialAccount(h, a.orgId, brand.id)
  const item = await createItem(h, a, { brandId: brand.id, title: 'Before', targets: [{ socialAccountId: x }] })
  const patch = async (title: string) => await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { title } })
  t.equal((await patch('Edited')).statusCode, 200)
  await h.sql('ALTER TABLE content_items ALTER COLUMN title TYPE varchar(2000)')
  const edit = await patch('After the migration')
  t.equal(edit.statusCode, 200, 'the edit after the migration lands at once: no plan was kept')
  t.equal(edit.json().title, 'After the migration')
})

t.test("tenants share a connection's prepared statements, never its rows", async (t) => {
  const h = await createTestApp(t, { DB_POOL_MAX: '1' })
  const a = await signup(h, 'prep-a')
  const b = await signup(h, 'prep-b')
  const items = []
  for (const s of [a, b]) {
    const brand = await createBrand(h, s)
    const x = await socialAccount(h, s.orgId, brand.id)
    items.push(await createItem(h, s, { brandId: brand.id, title: `Of ${s.orgId}`, targets: [{ socialAccountId: x }] }))
  }
  for (let round = 0; round < 3; round++) {
    for (const [s, mine, theirs] of [[a, items[0], items[1]], [b, items[1], items[0]]] as const) {
      const own = await h.inject({ method: 'GET', url: `/v1/content-items/${mine.id}`, headers: bearer(s.token) })
      t.equal(own.json().title, `Of ${s.orgId}`, `round ${round}: its own item`)
      const other = await h.inject({ method: 'GET', url: `/v1/content-items/${theirs.id}`, headers: bearer(s.token) })
      t.equal(other.statusCode, 404, `round ${round}: the other tenant's item, through the same prepared statement, is not found`)
      const list = await h.inject({ method: 'GET', url: `/v1/content-items?brandId=${mine.brandId}`, headers: bearer(s.token) })
      t.same(list.json().data.map((i: { id: string }) => i.id), [mine.id], `round ${round}: its list holds only its item`)
    }
  }
})
