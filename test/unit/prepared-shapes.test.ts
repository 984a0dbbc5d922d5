import t from 'tap'
import { randomUUID } from 'node:crypto'
import { eq, getTableColumns, sql } from 'drizzle-orm'
import { asParam, ShapeBinder, type Bind } from '../../src/db/bind.js'
import { builder, fillValues, preparedShapes } from '../../src/db/client.js'
import { contentItems } from '../../src/db/tables/content-items.js'
import { filterWhere } from '../../src/modules/content-items/content-items.repository.js'
import { andAll, CursorCodec, keyset, parseSort, type KeysetArgs } from '../../src/lib/pagination.js'

// A list's statement built once per shape (preparedShapes, with a ShapeBinder's placeholders)
// must be the very statement a call would have built for itself (asParam): same text, and the
// call's values in the same places. And a value written into a shape's statement instead of
// bound is refused, since every later call of that shape would reuse it.

const org = randomUUID()
const codec = new CursorCodec('unit-test-key')
const args = (sort: string, cursorValues?: [string | null, string]): KeysetArgs => ({
  orgId: org,
  sort: parseSort(sort),
  columns: { createdAt: contentItems.createdAt, scheduledAt: contentItems.scheduledAt, title: contentItems.title },
  nullable: ['scheduledAt'],
  idColumn: contentItems.id,
  cursor: cursorValues ? codec.encode(org, sort, cursorValues) : undefined,
  limit: 20,
  codec
})

const statement = (filters: Parameters<typeof filterWhere>[0], visible: string[] | null, a: KeysetArgs, bind: Bind) => {
  const page = keyset(a, bind)
  const take = bind === asParam ? page.take : bind('take', page.take)
  return builder.select(getTableColumns(contentItems)).from(contentItems)
    .where(andAll(eq(contentItems.organizationId, bind('orgId', org)), filterWhere(filters, visible, bind), page.where))
    .orderBy(...page.orderBy).limit(take as number)
}

const cases: Array<[string, Parameters<typeof filterWhere>[0], string[] | null, KeysetArgs]> = [
  ['no filter', {}, null, args('-createdAt')],
  ['every filter', { brandId: randomUUID(), campaignId: randomUUID(), status: 'draft', kind: 'post', assigneeId: randomUUID(), label: "it's", platform: 'x', scheduledAtFrom: '2030-01-01T00:00:00Z', scheduledAtTo: '2030-02-01T00:00:00+01:00', createdAtFrom: '2029-01-01T00:00:00Z', updatedAtTo: '2031-01-01T00:00:00Z' },
    [randomUUID(), randomUUID()], args('title', ['B', randomUUID()])],
  ['no brand visible', { status: 'approved' }, [], args('-createdAt', ['2030-01-01T10:00:00.123Z', randomUUID()])],
  ['after a time (nullable sort)', {}, null, args('scheduledAt', ['2030-01-01T10:00:00.000Z', randomUUID()])],
  ['after an untimed item', {}, null, args('-scheduledAt', [null, randomUUID()])]
]

for (const [name, filters, visible, a] of cases) {
  t.test(name, async (t) => {
    const own = statement(filters, visible, a, asParam).toSQL()
    const binder = new ShapeBinder()
    const shaped = statement(filters, visible, a, binder.bind)
    const prepared = (shaped as unknown as { _prepare: () => { params: unknown[] } })._prepare()
    t.equal(shaped.toSQL().sql, own.sql, 'same text')
    const values = fillValues(prepared.params, binder.values)
    t.same(values.map(String), own.params.map(String), 'the call\'s values, in the same places')
  })
}

t.test('a ShapeBinder names the shape by what it binds, in order', async (t) => {
  const a = new ShapeBinder()
  filterWhere({ status: 'draft', label: 'x' }, null, a.bind)
  const b = new ShapeBinder()
  filterWhere({ status: 'scheduled', label: 'y' }, null, b.bind)
  const c = new ShapeBinder()
  filterWhere({ status: 'draft' }, null, c.bind)
  t.equal(a.key, b.key, 'other values, same shape')
  t.not(a.key, c.key, 'another filter, another shape')
  t.throws(() => { a.bind('status', 'again') }, /bound twice/)
})

t.test('a value written into a shape\'s statement is refused', async (t) => {
  const run = preparedShapes()
  const db = builder
  await t.rejects(run(db, 'raw', (b) => b.select({ id: contentItems.id }).from(contentItems).where(eq(contentItems.organizationId, org)), {}),
    /holds a value that is not a placeholder/)
  await t.rejects(run(db, 'raw2', (b) => b.select({ id: contentItems.id }).from(contentItems).where(sql`${contentItems.title} = ${'x'}`), {}),
    /holds a value that is not a placeholder/)
})
