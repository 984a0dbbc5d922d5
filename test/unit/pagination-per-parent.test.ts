import t from 'tap'
import { brands } from '../../src/db/schema.js'
import { keysetPerParent, parseSort } from '../../src/lib/pagination.js'
import { createTestApp } from '../helper.js'
import { createBrand, signup } from '../factories.js'

// One statement returns a page per parent; here the "parent" is a brand's status.
t.test('keysetPerParent pages each parent separately in one statement', async (t) => {
  const h = await createTestApp(t)
  const s = await signup(h, 'pp')
  const names = ['a1', 'a2', 'a3', 'b1', 'b2']
  for (const n of names) await createBrand(h, s, n)
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
