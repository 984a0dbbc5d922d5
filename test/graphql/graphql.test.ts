import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'

t.test('GraphQL', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'gql')
  const other = await signup(h, 'gql-other')
  const gql = async (token: string | null, query: string, variables?: object, headers: Record<string, string> = {}) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: { ...(token ? bearer(token) : {}), ...headers }, payload: { query, variables } })
    return { status: res.statusCode, body: json(res) }
  }

  t.test('viewer, brands and members as connections, member brands batched', async (t) => {
    const b1 = await createBrand(h, owner, 'G1')
    await createBrand(h, owner, 'G2')
    await addMember(h, owner, 'client', [b1.id])
    const { status, body } = await gql(owner.token, `{
      viewer { kind role organization { id } user { email } }
      brands(first: 1, sort: name_asc) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } }
      members { edges { node { role brands { name } } } }
    }`)
    t.equal(status, 200)
    t.notOk(body.errors)
    t.match(body.data.viewer, { kind: 'user', role: 'owner', organization: { id: owner.orgId }, user: { email: owner.email } })
    t.same(body.data.brands.edges.map((e: any) => e.node.name), ['G1'])
    t.equal(body.data.brands.pageInfo.hasNextPage, true)
    const next = await gql(owner.token, 'query($after: String) { brands(first: 5, sort: name_asc, after: $after) { edges { node { name } } pageInfo { hasNextPage } } }', { after: body.data.brands.pageInfo.endCursor })
    t.same(next.body.data.brands.edges.map((e: any) => e.node.name), ['G2'])
    const client = body.data.members.edges.find((e: any) => e.node.role === 'client')
    t.same(client.node.brands, [{ name: 'G1' }])
  })

  t.test('mutations use the REST rules: validation, versions, roles, tenants', async (t) => {
    const created = await gql(owner.token, 'mutation { createBrand(input: { name: "Via GraphQL", timeZone: "Asia/Tokyo" }) { id name version } }')
    t.match(created.body.data.createBrand, { name: 'Via GraphQL', version: 1 })
    const id = created.body.data.createBrand.id
    const bad = await gql(owner.token, 'mutation { createBrand(input: { name: "", timeZone: "Nowhere" }) { id } }')
    t.equal(bad.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.ok(bad.body.errors[0].extensions.errors.some((e: any) => e.path === 'timeZone'))
    const stale = await gql(owner.token, 'mutation($id: ID!) { updateBrand(id: $id, input: { name: "x" }, expectedVersion: 7) { id } }', { id })
    t.equal(stale.body.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const ok = await gql(owner.token, 'mutation($id: ID!) { updateBrand(id: $id, input: { name: "Renamed" }, expectedVersion: 1) { name version } }', { id })
    t.match(ok.body.data.updateBrand, { name: 'Renamed', version: 2 })
    const creator = await addMember(h, owner, 'creator')
    const forbidden = await gql(creator.token, 'mutation { createBrand(input: { name: "No", timeZone: "UTC" }) { id } }')
    t.equal(forbidden.body.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const foreign = await gql(other.token, 'query($id: ID!) { brand(id: $id) { name } }', { id })
    t.equal(foreign.body.data.brand, null)
    t.equal(foreign.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    const foreignDelete = await gql(other.token, 'mutation($id: ID!) { deleteBrand(id: $id) }', { id })
    t.equal(foreignDelete.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/brands/${id}`, headers: bearer(owner.token) })).name, 'Renamed')
  })

  t.test('anonymous, forged and over-limit queries are refused before any SQL', async (t) => {
    const anon = await gql(null, '{ viewer { kind } }')
    t.equal(anon.status, 401)
    t.equal(anon.body.errors[0].extensions.code, 'HERALD_UNAUTHENTICATED')
    const forged = await gql('a.b.c', '{ viewer { kind } }')
    t.equal(forged.status, 401)

    h.queries.length = 0
    const deep = await gql(owner.token, '{ members { edges { node { brands { id } } } } viewer { organization { id } } }')
    t.notOk(deep.body.errors, 'a normal query passes')
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: viewer { kind }`).join(' ')
    const before = h.queries.length
    const tooMany = await gql(owner.token, `{ ${aliases} }`)
    t.equal(tooMany.status, 400)
    t.equal(tooMany.body.errors[0].extensions.code, 'HERALD_QUERY_LIMIT')
    const huge = await gql(owner.token, `{ ${'viewer { kind } '.repeat(3000)} }`)
    t.equal(huge.status, 400)
    t.equal(huge.body.errors[0].extensions.code, 'HERALD_QUERY_LIMIT')
    t.equal(h.queries.length, before, 'refused queries ran no SQL')
    const batched = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(owner.token), payload: [{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }] as any })
    t.equal(batched.statusCode, 400, 'batched queries are off')
    const csrf = await h.inject({ method: 'POST', url: '/graphql', headers: { ...bearer(owner.token), 'content-type': 'text/plain' }, payload: JSON.stringify({ query: '{ viewer { kind } }' }) })
    t.ok([400, 415].includes(csrf.statusCode), 'a CORS-simple text/plain request is refused (CSRF)')
    const mutationOverGet = await h.inject({ method: 'GET', url: '/graphql?query=' + encodeURIComponent('mutation { deleteBrand(id: "x") }'), headers: bearer(owner.token) })
    t.not(mutationOverGet.statusCode, 200)
    const unknownField = await gql(owner.token, '{ nope }')
    t.equal(unknownField.body.errors[0].extensions.code, 'HERALD_VALIDATION')
  })

  t.test('a failed mutation writes nothing', async (t) => {
    const before = (await h.sql('SELECT count(*)::int AS n FROM brands'))[0].n
    const res = await gql(owner.token, 'mutation { a: createBrand(input: { name: "Kept?", timeZone: "UTC" }) { id } b: createBrand(input: { name: "", timeZone: "UTC" }) { id } }')
    t.ok(res.body.errors)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM brands'))[0].n, before, 'the operation rolled back as a whole')
  })

  t.test('introspection is configurable', async (t) => {
    const closed = await createTestApp(t, { GRAPHQL_INTROSPECTION: 'false' })
    const s = await signup(closed, 'intro')
    const res = await closed.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query: '{ __schema { types { name } } }' } })
    t.equal(res.statusCode, 400)
    const open = await gql(owner.token, '{ __schema { queryType { name } } }')
    t.equal(open.body.data.__schema.queryType.name, 'Query')
  })
})
