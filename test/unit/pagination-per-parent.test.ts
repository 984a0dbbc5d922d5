import t from 'tap'
import { brands } from '../../src/db/schema.js'
import { eq, like } from 'drizzle-orm'
import { parseSort } from '../../src/lib/pagination.js'
import { keysetPerParent, selectPage } from '../../src/lib/page-statements.js'
import { createTestApp } from '../helper.js'
import { createBrand, signup } from '../factories.js'

/** Three active brands (a1–a3) and two archived (b1, b2), and per-parent args over status. */
async function brandsByStatus (t: Parameters<typeof createTestApp>[0], label: string) {
  const h = await createTestApp(t)
  const s = await signup(h, label)
  for (const n of ['a1', 'a2', 'a3', 'b1', 'b2']) await createBrand(h, s, n)
  await h.sql("UPDATE brands SET status = 'archived' WHERE name LIKE 'b%'")
  const args = {
    orgId: s.orgId,
    sort: parseSort('name'),
    columns: { name: brands.name },
    idColumn: brands.id,
    limit: 2,
    codec: h.app.cursors,
    parentColumn: brands.status,
    parentIds: ['active', 'archived'],
    orgColumn: brands.organizationId
  }
  return { h, s, args }
}

// One statement returns a page per parent; here the "parent" is a brand's status.
t.test('keysetPerParent pages each parent separately in one statement', async (t) => {
  const { h, s, args } = await brandsByStatus(t, 'pp')
  const before = h.queries.length
  const pages = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, args, (r: any) => r.name))
  t.equal(h.queries.length - before, 1, 'one SQL statement for every parent')
  t.same(pages.get('active')!.data.map((r: any) => r.name), ['a1', 'a2'])
  t.ok(pages.get('active')!.nextCursor, 'more active brands')
  t.same(pages.get('archived')!.data.map((r: any) => r.name), ['b1', 'b2'])
  t.equal(pages.get('archived')!.nextCursor, null)
  t.type(pages.get('active')!.data[0].createdAt, Date, 'columns keep their types')
  const next = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, { ...args, parentIds: ['active'], cursor: pages.get('active')!.nextCursor! }, (r: any) => r.name))
  t.same(next.get('active')!.data.map((r: any) => r.name), ['a3'])
})

// With withTotal, the same single statement also counts each parent's matches, whatever the
// cursor, and still knows the total of a parent whose page is empty after the cursor.
t.test('keysetPerParent and selectPage count in the same statement when asked', async (t) => {
  const { h, s, args: perParent } = await brandsByStatus(t, 'pp-total')
  const args = { ...perParent, withTotal: true }
  const byName = (r: any) => r.name
  let before = h.queries.length
  const pages = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, args, byName))
  t.equal(h.queries.length - before, 1, 'one statement for every parent and its total')
  t.match(pages.get('active'), { data: [{ name: 'a1' }, { name: 'a2' }], totalCount: 3 })
  t.ok(pages.get('active')!.nextCursor)
  t.match(pages.get('archived'), { data: [{ name: 'b1' }, { name: 'b2' }], nextCursor: null, totalCount: 2 })
  t.type(pages.get('active')!.data[0].createdAt, Date, 'columns keep their types')
  t.notOk('herald_total' in pages.get('active')!.data[0], 'no helper column leaks into rows')
  // After the cursor: the rest of active, and archived's page is empty yet still counted.
  const cursor = pages.get('active')!.nextCursor!
  const next = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, { ...args, cursor }, byName))
  t.match(next.get('active'), { data: [{ name: 'a3' }], nextCursor: null, totalCount: 3 })
  // The cursor (after a2) applies to every parent: b1 and b2 sort after it, so archived pages on.
  t.match(next.get('archived'), { data: [{ name: 'b1' }, { name: 'b2' }], totalCount: 2 })
  const past = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, { ...args, cursor: codecCursorAfter(h, s.orgId, 'zzz') }, byName))
  t.match(past.get('active'), { data: [], nextCursor: null, totalCount: 3 }, 'empty after the cursor, still counted')
  t.match(past.get('archived'), { data: [], nextCursor: null, totalCount: 2 })
  // A parent with nothing that matches the filters.
  const none = await h.app.withTenant(s.orgId, async (tx) => await keysetPerParent(tx.db, brands, { ...args, where: like(brands.name, 'a%') }, byName))
  t.match(none.get('archived'), { data: [], nextCursor: null, totalCount: 0 })
  t.match(none.get('active'), { totalCount: 3 })

  // A root list: the same, without a parent.
  const root = { orgId: s.orgId, sort: parseSort('name'), columns: { name: brands.name }, idColumn: brands.id, limit: 2, codec: h.app.cursors, withTotal: true }
  const where = eq(brands.organizationId, s.orgId)
  before = h.queries.length
  const first = await h.app.withTenant(s.orgId, async (tx) => await selectPage(tx.db, brands, root, where, byName))
  t.equal(h.queries.length - before, 1)
  t.match(first, { data: [{ name: 'a1' }, { name: 'a2' }], totalCount: 5 })
  let page = first
  while (page.nextCursor) page = await h.app.withTenant(s.orgId, async (tx) => await selectPage(tx.db, brands, { ...root, cursor: page.nextCursor! }, where, byName))
  t.match(page, { data: [{ name: 'b2' }], totalCount: 5 }, 'the last page still counts all')
  const last = codecCursorAfter(h, s.orgId, 'zzz')
  const empty = await h.app.withTenant(s.orgId, async (tx) => await selectPage(tx.db, brands, { ...root, cursor: last }, where, byName))
  t.same({ data: empty.data, totalCount: empty.totalCount }, { data: [], totalCount: 5 }, 'an empty page past the end still carries the total, in one statement')
  const plain = await h.app.withTenant(s.orgId, async (tx) => await selectPage(tx.db, brands, { ...root, withTotal: false }, where, byName))
  t.equal(plain.totalCount, undefined, 'no total unless asked')
})

/** A cursor past every name (as a page ending at "zzz" would hand out). */
function codecCursorAfter (h: { app: { cursors: { encode: (o: string, s: string, v: Array<string | null>) => string } } }, orgId: string, name: string): string {
  return h.app.cursors.encode(orgId, 'name', [name, 'ffffffff-ffff-4fff-bfff-ffffffffffff'])
}
