import t from 'tap'
import { toConnection } from '../../src/graphql/connection.js'
import { CursorCodec, LazyCursors, parseSort, toPage } from '../../src/lib/pagination.js'

// A connection signs a cursor only when the query reads it: an edge's, or pageInfo's start and
// end. A nested level of ten connections asking only for nodes signs none.

t.test('cursors are made only when read', async (t) => {
  const made: number[] = []
  const cursors = new LazyCursors(3, (i) => { made.push(i); return `c${i}` })
  const connection = toConnection({ data: ['a', 'b', 'c'], nextCursor: null, cursors })
  t.same(connection.edges.map((e) => e.node), ['a', 'b', 'c'])
  t.equal(connection.pageInfo.hasNextPage, false)
  t.same(made, [], 'nodes and hasNextPage sign nothing')
  t.equal(connection.pageInfo.endCursor, 'c2')
  t.equal(connection.pageInfo.startCursor, 'c0')
  t.equal(connection.edges[1].cursor, 'c1')
  t.same(made, [2, 0, 1], 'each read cursor made once, when read')
  t.equal(connection.pageInfo.endCursor, 'c2')
  t.same(made, [2, 0, 1], 'and kept')
})

t.test('a page with more after it ends at its next cursor', async (t) => {
  const cursors = new LazyCursors(2, (i) => `c${i}`)
  const connection = toConnection({ data: ['a', 'b'], nextCursor: 'next', cursors }, 'before')
  t.same({ ...connection.pageInfo }, { hasNextPage: true, hasPreviousPage: true, startCursor: 'c0', endCursor: 'next' })
  const empty = toConnection({ data: [], nextCursor: null, cursors: new LazyCursors(0, () => 'x') })
  t.same({ ...empty.pageInfo }, { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null })
})

t.test('a page with more after it signs its next cursor only when read (toPage)', async (t) => {
  const signed: string[] = []
  const codec = new CursorCodec('k'.repeat(32))
  const encode = codec.encode.bind(codec)
  codec.encode = (orgId, sort, values) => { signed.push(String(values[1])); return encode(orgId, sort, values) }
  const rows = ['a', 'b', 'c'].map((id, i) => ({ id, createdAt: `2026-12-0${i + 1}T00:00:00.000Z` }))
  const page = toPage(rows, { orgId: 'o', sort: parseSort('-createdAt'), columns: {}, idColumn: {} as never, limit: 2, codec } as never)
  t.equal(page.hasMore, true)
  const connection = toConnection(page)
  t.equal(connection.pageInfo.hasNextPage, true, 'a next page')
  t.same(connection.edges.map((e) => e.node.id), ['a', 'b'])
  t.same(signed, [], 'known without signing a cursor')
  t.equal(connection.pageInfo.endCursor, page.nextCursor, 'the end cursor is the next cursor')
  t.same(signed, ['b'], 'signed once, when read: the last row of the page')
  t.same(codec.decode('o', '-createdAt', page.nextCursor!), [rows[1].createdAt, 'b'])
})
