import t from 'tap'
import { checkTokenLimit, LIMITS } from '../../src/graphql/limits.js'
import { bearer, createTestApp, json } from '../helper.js'
import { signup } from '../factories.js'

// Every GraphQL limit refuses the query before any SQL, with extensions.code HERALD_QUERY_LIMIT
// set by the limit itself; a message that merely reads like a limit is not one.

t.test('GraphQL limits', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'limits')
  const gql = async (query: string) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(owner.token), payload: { query } })
    return { status: res.statusCode, body: json(res) }
  }

  const over: Record<string, [string, RegExp]> = {
    depth: [`{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(9)}name${' }'.repeat(9)} } } } }`, /depth limit of 12 exceeded, found 13/],
    cost: ['{ brands(first: 200) { edges { node { campaigns(first: 200) { edges { node { id name channels { id handle } } } } } } } }', new RegExp(`Cost limit of ${LIMITS.cost} exceeded`)],
    aliases: [`{ ${Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`, /Aliases limit of 15 exceeded, found 16/],
    directives: [`{ ${'viewer { kind @skip(if: false) } '.repeat(LIMITS.directives + 1)} }`, /Directives limit of 20 exceeded, found 21/],
    tokens: [`{ ${'viewer { kind } '.repeat(2000)} }`, /more than 5000 tokens/]
  }

  for (const [limit, [query, message]] of Object.entries(over)) {
    t.test(`over the ${limit} limit`, async (t) => {
      const before = h.queries.length
      const res = await gql(query)
      t.equal(res.status, 400)
      t.equal(res.body.data, null)
      t.equal(res.body.errors.length, 1, 'one error, the limit')
      t.equal(res.body.errors[0].extensions.code, 'HERALD_QUERY_LIMIT')
      t.match(res.body.errors[0].message, message)
      t.notMatch(res.body.errors[0].message, /^Syntax Error/)
      t.equal(h.queries.length, before, 'no SQL ran')
      const again = await gql(query)
      t.equal(again.body.errors[0].extensions.code, 'HERALD_QUERY_LIMIT', 'also when mercurius replays a cached validation failure')
    })
  }

  t.test('at the limits a query runs', async (t) => {
    const atAliases = await gql(`{ ${Array.from({ length: LIMITS.aliases }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`)
    t.notOk(atAliases.body.errors)
    const atDirectives = await gql(`{ ${'viewer { kind @skip(if: false) } '.repeat(LIMITS.directives)} }`)
    t.notOk(atDirectives.body.errors)
    const atDepth = await gql(`{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(8)}name${' }'.repeat(8)} } } } }`)
    t.notOk(atDepth.body.errors)
  })

  t.test('errors that only read like limits keep their own code', async (t) => {
    const mimic = await gql('{ viewer { kind } } "Query depth limit of 5 exceeded. Document contains more than 5000 tokens. Parsing aborted."')
    t.equal(mimic.status, 400)
    t.equal(mimic.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    const unknown = await gql('{ limitOf5Exceeded }')
    t.equal(unknown.body.errors[0].extensions.code, 'HERALD_VALIDATION')
  })

  t.test('checkTokenLimit counts as the parser does and leaves lexical errors to it', async (t) => {
    t.doesNotThrow(() => checkTokenLimit('{ a b c }', 5), 'exactly at the limit')
    t.throws(() => checkTokenLimit('{ a b c d }', 5), { code: 'HERALD_QUERY_LIMIT', status: 400 })
    t.doesNotThrow(() => checkTokenLimit('# a comment is not a token\n{ a b c }', 5))
    t.doesNotThrow(() => checkTokenLimit('{ a "unterminated', 5), 'a lexical error is for the parser to report')
  })
})
