import t from 'tap'
import { toConnection } from '../../src/graphql/connection.js'
import { LazyCursors } from '../../src/lib/pagination.js'

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
