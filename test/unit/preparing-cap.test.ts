import t from 'tap'
import type pg from 'pg'
import { MAX_PREPARED_PER_CONNECTION, Preparing } from '../../src/db/preparing.js'

// A connection prepares at most MAX_PREPARED_PER_CONNECTION statements: the shapes a client's
// queries choose (filters, sorts, columns) must not grow a PostgreSQL backend without bound.
// Past the cap, a statement the connection does not hold runs with its values inlined.

t.test('past the cap, new statements run inlined; those held still run prepared', async (t) => {
  const connection = {} as pg.PoolClient
  const first = new Preparing(connection, false)
  for (let i = 0; i < MAX_PREPARED_PER_CONNECTION; i++) {
    t.equal(first.execute(`herald_s${i}`, `SELECT $1::int + ${i}`, [1]), `EXECUTE herald_s${i}('1')`)
  }
  t.equal(first.prepares.length, MAX_PREPARED_PER_CONNECTION, 'each prepared once')
  first.made()

  const next = new Preparing(connection, false)
  t.equal(next.execute('herald_s0', 'SELECT $1::int + 0', [2]), "EXECUTE herald_s0('2')", 'a held statement still runs prepared')
  t.equal(next.execute('herald_new', 'SELECT $1::text', ['x']), "SELECT 'x'::text", 'a new one runs with its values inlined')
  t.same(next.prepares, [], 'and nothing more is prepared on this connection')

  const other = new Preparing({} as pg.PoolClient, false)
  t.equal(other.execute('herald_new', 'SELECT $1::text', ['x']), "EXECUTE herald_new('x')", 'another connection still prepares')
  t.equal(other.prepares.length, 1)
})
