import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { signup } from '../factories.js'

// The HTTP request around a GraphQL operation: what used to answer 400 HERALD_INTERNAL (a body
// over 1 MiB, a query that is not a string, a __proto__ key) or was executed although it is
// not a GraphQL request (a query inside an array, JSON in place of a document).

t.test('GraphQL request bodies', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'gql-body')
  const H = { ...bearer(owner.token), 'content-type': 'application/json' }
  const post = (payload: string) => h.inject({ method: 'POST', url: '/graphql', headers: H, payload })
  const refused = (t: any, res: any, status: number, code: string, path?: string) => {
    t.equal(res.statusCode, status)
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    const body = json(res)
    t.equal(body.data, null, 'not executed')
    t.equal(body.errors[0].extensions.code, code)
    if (path) t.same(body.errors[0].extensions.errors?.map((e: any) => e.path), [path])
    return body.errors[0]
  }

  t.test('a body over 1 MiB is 413', async (t) => {
    refused(t, await post(JSON.stringify({ query: '{ viewer { kind } }', variables: { pad: 'x'.repeat(1024 * 1024) } })), 413, 'HERALD_PAYLOAD_TOO_LARGE')
  })

  t.test('query must be a string holding a GraphQL document', async (t) => {
    t.match(refused(t, await post('{"query":123}'), 400, 'HERALD_VALIDATION', 'query').message, 'query: must be a string holding a GraphQL document')
    refused(t, await post('{"query":["{ viewer { kind } }"]}'), 400, 'HERALD_VALIDATION', 'query')
    refused(t, await post('{"variables":{}}'), 400, 'HERALD_VALIDATION', 'query')
    // Mercurius would run JSON that parses as a document AST; no GraphQL document is JSON.
    refused(t, await post(JSON.stringify({ query: '123' })), 400, 'HERALD_VALIDATION', 'query')
    refused(t, await post(JSON.stringify({ query: JSON.stringify({ kind: 'Document', definitions: [] }) })), 400, 'HERALD_VALIDATION', 'query')
    refused(t, await post('[{"query":"{ viewer { kind } }"}]'), 400, 'HERALD_VALIDATION', '(body)')
    refused(t, await post(JSON.stringify({ query: '{ viewer { kind } }', variables: [1] })), 400, 'HERALD_VALIDATION', 'variables')
    refused(t, await post(JSON.stringify({ query: '{ viewer { kind } }', operationName: 7 })), 400, 'HERALD_VALIDATION', 'operationName')
  })

  t.test('__proto__ and broken JSON are 400 with a message that says so', async (t) => {
    const proto = refused(t, await post('{"query":"{ viewer { kind } }","__proto__":{"admin":true}}'), 400, 'HERALD_VALIDATION', '(body)')
    t.match(proto.message, /"__proto__" or "constructor.prototype" key, which is refused/)
    const ctor = refused(t, await post('{"query":"{ viewer { kind } }","constructor":{"prototype":{"admin":true}}}'), 400, 'HERALD_VALIDATION')
    t.match(ctor.message, /__proto__/)
    t.match(refused(t, await post('{"query": '), 400, 'HERALD_VALIDATION', '(body)').message, /^The body is not valid JSON: /)
  })

  t.test('GET: the operation must exist, variables must be a JSON object', async (t) => {
    const get = (qs: string) => h.inject({ method: 'GET', url: `/graphql?${qs}`, headers: { ...bearer(owner.token), 'mercurius-require-preflight': 'true' } })
    const q = encodeURIComponent('query A { viewer { kind } }')
    refused(t, await get(`query=${q}&operationName=Nope`), 400, 'HERALD_VALIDATION', 'operationName')
    refused(t, await get(`query=${encodeURIComponent('query A { viewer { kind } } query B { viewer { kind } }')}`), 400, 'HERALD_VALIDATION', 'query')
    refused(t, await get(`query=${q}&variables=6`), 400, 'HERALD_VALIDATION', 'variables')
    refused(t, await get(`query=${q}&variables=%7B`), 400, 'HERALD_VALIDATION', 'variables')
    refused(t, await get(`query=${q}&query=${q}`), 400, 'HERALD_VALIDATION', 'query')
    const ok = await get(`query=${q}&operationName=A&variables=${encodeURIComponent('{}')}`)
    t.equal(ok.statusCode, 200)
    t.same(json(ok).data, { viewer: { kind: 'user' } })
  })

  t.test('what still works: application/graphql, null members, extensions', async (t) => {
    const raw = await h.inject({ method: 'POST', url: '/graphql', headers: { ...bearer(owner.token), 'content-type': 'application/graphql' }, payload: '{ viewer { kind } }' })
    t.same(json(raw).data, { viewer: { kind: 'user' } })
    const nulls = await post(JSON.stringify({ query: '{ viewer { kind } }', variables: null, operationName: null, extensions: {} }))
    t.equal(nulls.statusCode, 200)
    t.same(json(nulls).data, { viewer: { kind: 'user' } })
  })
})
