import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildSchema, getNamedType, isNonNullType, isObjectType } from 'graphql'
import { bearer, createTestApp, json } from '../helper.js'
import { schemaPath } from '../../src/plugins/graphql.js'
import { createBrand, signup } from '../factories.js'

// Relay paging arguments on root connections: first: 0 is an empty page that still says
// whether there is anything; bad values are HERALD_VALIDATION naming first/after.

t.test('connection arguments', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'conn')
  const gql = async (token: string, query: string, variables?: object) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query, variables } })
    return { status: res.statusCode, body: json(res) }
  }

  t.test('first: 0 answers no edges and whether items exist', async (t) => {
    const empty = await signup(h, 'conn-empty')
    const none = await gql(empty.token, '{ brands(first: 0) { edges { node { id } } pageInfo { hasNextPage endCursor } } }')
    t.same(none.body, { data: { brands: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } })

    await createBrand(h, owner, 'C1')
    await createBrand(h, owner, 'C2')
    const some = await gql(owner.token, '{ brands(first: 0) { edges { node { id } } pageInfo { hasNextPage endCursor } } members(first: 0) { edges { cursor } pageInfo { hasNextPage } } }')
    t.equal(some.status, 200)
    t.same(some.body.data, { brands: { edges: [], pageInfo: { hasNextPage: true, endCursor: null } }, members: { edges: [], pageInfo: { hasNextPage: true } } })

    // After the last item there is nothing more; endCursor stays where the caller is.
    const all = await gql(owner.token, '{ brands(first: 2, sort: name_asc) { pageInfo { endCursor hasNextPage } } }')
    const end = all.body.data.brands.pageInfo.endCursor
    t.equal(all.body.data.brands.pageInfo.hasNextPage, false)
    const past = await gql(owner.token, 'query($after: String) { brands(first: 0, sort: name_asc, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }', { after: end })
    t.same(past.body.data.brands, { edges: [], pageInfo: { hasNextPage: false, endCursor: end } })
    const first = await gql(owner.token, '{ brands(first: 1, sort: name_asc) { pageInfo { endCursor } } }')
    const middle = await gql(owner.token, 'query($after: String) { brands(first: 0, sort: name_asc, after: $after) { pageInfo { hasNextPage } } }', { after: first.body.data.brands.pageInfo.endCursor })
    t.equal(middle.body.data.brands.pageInfo.hasNextPage, true)
  })

  t.test('negative or oversized first, and a bad after, are validation errors naming the argument', async (t) => {
    for (const [args, path] of [['first: -1', 'first'], ['first: 201', 'first'], ['after: ""', 'after']] as const) {
      const res = await gql(owner.token, `{ brands(${args}) { edges { cursor } } }`)
      t.equal(res.body.data, null, args)
      t.equal(res.body.errors[0].extensions.code, 'HERALD_VALIDATION', args)
      t.same(res.body.errors[0].extensions.errors.map((e: any) => e.path), [path], args)
    }
    const forged = await gql(owner.token, '{ members(first: 0, after: "forged.cursor") { edges { cursor } } }')
    t.equal(forged.body.errors[0].extensions.code, 'HERALD_BAD_CURSOR', 'first: 0 still checks the cursor')
  })

  t.test('REST keeps limit 1..200: limit=0 is a 400', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/brands?limit=0', headers: bearer(owner.token) })
    t.equal(res.statusCode, 400)
    t.match(json(res), { code: 'HERALD_VALIDATION', errors: [{ path: 'limit' }] })
  })

  t.test('every connection, root or nested, treats first: 0 and a bad first alike', async (t) => {
    await createBrand(h, owner, 'Nested')
    const schema = buildSchema(readFileSync(schemaPath, 'utf8'))
    const isConnection = (type: any): boolean => (getNamedType(type) as unknown as { name: string }).name.endsWith('Connection')
    const roots = Object.values(schema.getQueryType()!.getFields())
      .filter((f) => isConnection(f.type) && !f.args.some((a) => isNonNullType(a.type)))
    t.ok(roots.length >= 6, `root connections found: ${roots.map((f) => f.name).join(', ')}`)
    for (const field of roots) {
      const zero = await gql(owner.token, `{ ${field.name}(first: 0) { edges { cursor } pageInfo { hasNextPage endCursor } } }`)
      t.same({ errors: zero.body.errors, edges: zero.body.data?.[field.name]?.edges }, { errors: undefined, edges: [] }, `${field.name}(first: 0) is an empty page`)
      const bad = await gql(owner.token, `{ ${field.name}(first: -1) { edges { cursor } } }`)
      t.same(bad.body.errors?.[0]?.extensions?.errors?.map((e: any) => e.path), ['first'], `${field.name}(first: -1) names first`)
    }
    // Every connection on Brand, the parent of most nested ones.
    const nested = Object.values((schema.getType('Brand') as any).getFields() as Record<string, any>)
      .filter((f) => isObjectType(getNamedType(f.type)) && isConnection(f.type) && !f.args.some((a: any) => isNonNullType(a.type)))
    t.ok(nested.length >= 4, `Brand connections found: ${nested.map((f) => f.name).join(', ')}`)
    for (const field of nested) {
      const zero = await gql(owner.token, `{ brands(first: 1) { edges { node { ${field.name}(first: 0) { edges { cursor } pageInfo { hasNextPage } } } } } }`)
      t.same({ errors: zero.body.errors, edges: zero.body.data?.brands.edges[0].node[field.name].edges }, { errors: undefined, edges: [] }, `Brand.${field.name}(first: 0) is an empty page`)
      const bad = await gql(owner.token, `{ brands(first: 1) { edges { node { ${field.name}(first: -1) { edges { cursor } } } } } }`)
      t.same(bad.body.errors?.[0]?.extensions?.errors?.map((e: any) => e.path), ['first'], `Brand.${field.name}(first: -1) names first`)
    }
  })
})
