import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildSchema, isEnumType, isObjectType } from 'graphql'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { createBrand, signup, type Session } from '../factories.js'
import { createItem } from '../factories-content.js'
import { schemaPath } from '../../src/plugins/graphql.js'

// What a BI tool needs from GraphQL (issue 11 item 7): the SDL without introspection, sort
// enums, totalCount in the same round trip as the page, created/updated range filters that
// REST answers the same way, and Relay's PageInfo.

const gqlOf = (h: TestApp) => async (s: Session, query: string, variables?: object) => {
  const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query, variables } })
  return { status: res.statusCode, body: json(res) }
}

t.test('GET /schema.graphql serves the SDL as written, with introspection off', async (t) => {
  const h = await createTestApp(t, { GRAPHQL_INTROSPECTION: 'false' })
  const owner = await signup(h, 'sdl')
  const res = await h.inject({ method: 'GET', url: '/schema.graphql' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.equal(res.body, readFileSync(schemaPath, 'utf8'), 'byte for byte, and no credential needed')
  const intro = await gqlOf(h)(owner, '{ __schema { types { name } } }')
  t.equal(intro.body.errors[0].extensions.code, 'HERALD_VALIDATION', 'introspection itself stays off')
})

t.test('a BI tool syncing content items', async (t) => {
  const h = await createTestApp(t)
  const gql = gqlOf(h)
  const owner = await signup(h, 'bi')
  const other = await signup(h, 'bi-other')
  const brand = await createBrand(h, owner, 'BI')
  const otherBrand = await createBrand(h, other, 'Elsewhere')
  const ids: string[] = []
  for (let i = 0; i < 5; i++) ids.push((await createItem(h, owner, { brandId: brand.id, title: `Item ${i}`, kind: 'post' })).id)
  await createItem(h, other, { brandId: otherBrand.id, title: 'Not yours', kind: 'post' })
  // Two items last changed two days ago (as an earlier sync would have seen them).
  await h.sql("UPDATE content_items SET updated_at = now() - interval '2 days', created_at = now() - interval '3 days' WHERE id = ANY($1)", [ids.slice(0, 2)])
  const yesterday = new Date(Date.now() - 86_400_000).toISOString()

  t.test('pages through items updated since yesterday with totalCount', async (t) => {
    const query = `query($since: DateTime!, $after: String) {
      contentItems(first: 2, after: $after, updatedAtFrom: $since, sort: updatedAt_asc) {
        totalCount
        edges { cursor node { id title updatedAt } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } }`
    const seen: string[] = []
    let after: string | null = null
    let pages = 0
    for (;;) {
      const before = h.roundTrips.length
      const res: { body: any } = await gql(owner, query, { since: yesterday, after })
      t.notOk(res.body.errors, JSON.stringify(res.body.errors))
      const conn = res.body.data.contentItems
      t.equal(h.roundTrips.length - before, 1, `page ${pages + 1} with its total is one round trip`)
      t.equal(conn.totalCount, 3, 'the total counts every match, not the page')
      t.equal(conn.pageInfo.hasPreviousPage, after !== null)
      t.equal(conn.pageInfo.startCursor, conn.edges[0]?.cursor ?? null)
      t.equal(conn.pageInfo.endCursor, conn.edges.at(-1)?.cursor ?? null)
      for (const e of conn.edges) {
        t.ok(e.node.updatedAt >= yesterday, 'updated since yesterday')
        seen.push(e.node.id)
      }
      pages++
      if (!conn.pageInfo.hasNextPage) break
      after = conn.pageInfo.endCursor
    }
    t.equal(pages, 2)
    t.same(seen.sort(), ids.slice(2).sort(), 'each item updated since yesterday once, none of another tenant')

    // REST answers the same question the same way.
    const rest = json(await h.inject({ method: 'GET', url: `/v1/content-items?updatedAtFrom=${encodeURIComponent(yesterday)}&sort=updatedAt&limit=200`, headers: bearer(owner.token) }))
    t.same(rest.data.map((i: any) => i.id).sort(), seen)
  })

  t.test('created and updated ranges, REST and GraphQL alike', async (t) => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ createdAtTo: yesterday }, 2],
      [{ createdAtFrom: yesterday }, 3],
      [{ updatedAtTo: yesterday }, 2],
      [{ updatedAtFrom: yesterday, updatedAtTo: new Date(Date.now() + 60_000).toISOString() }, 3],
      [{ createdAtFrom: new Date(Date.now() + 86_400_000).toISOString() }, 0]
    ]
    for (const [filters, n] of cases) {
      const args = Object.keys(filters).map((k) => `${k}: $${k}`).join(', ')
      const vars = Object.keys(filters).map((k) => `$${k}: DateTime`).join(', ')
      const res = await gql(owner, `query(${vars}) { contentItems(${args}) { totalCount edges { node { id } } } }`, filters)
      t.equal(res.body.data.contentItems.totalCount, n, JSON.stringify(filters))
      t.equal(res.body.data.contentItems.edges.length, n)
      const rest = json(await h.inject({ method: 'GET', url: `/v1/content-items?${new URLSearchParams(filters).toString()}`, headers: bearer(owner.token) }))
      t.equal(rest.data.length, n, `REST ${JSON.stringify(filters)}`)
    }
    const bad = await h.inject({ method: 'GET', url: '/v1/content-items?updatedAtFrom=yesterday', headers: bearer(owner.token) })
    t.equal(bad.statusCode, 400)
    t.match(json(bad), { code: 'HERALD_VALIDATION', errors: [{ path: 'updatedAtFrom' }] })
    const badGql = await gql(owner, '{ contentItems(updatedAtFrom: "yesterday") { totalCount } }')
    t.match(badGql.body.errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'updatedAtFrom' }] })
  })

  t.test('totalCount: zero, past the end, a client of other brands, and only when asked', async (t) => {
    const none = await gql(other, '{ contentItems(brandId: "00000000-0000-4000-8000-000000000000") { totalCount edges { cursor } } }')
    t.same(none.body.data.contentItems, { totalCount: 0, edges: [] })
    const all = await gql(owner, '{ contentItems(first: 5) { pageInfo { endCursor } } }')
    const past = await gql(owner, 'query($a: String) { contentItems(first: 5, after: $a) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor } } }', { a: all.body.data.contentItems.pageInfo.endCursor })
    t.same(past.body.data.contentItems, { totalCount: 5, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null } }, 'an empty page after a cursor still knows the total')
    const zero = await gql(owner, '{ contentItems(first: 0) { totalCount } }')
    t.equal(zero.body.data.contentItems.totalCount, 5)
    const fragment = await gql(owner, 'fragment F on ContentItemConnection { totalCount } { contentItems(first: 1) { ...F } }')
    t.equal(fragment.body.data.contentItems.totalCount, 5, 'asked through a fragment')
    const before = h.queries.length
    await gql(owner, '{ contentItems(first: 1) { edges { cursor } } }')
    t.notOk(h.queries.slice(before).some((q) => /count\(\*\)/.test(q)), 'not computed when not asked for')
    const nested = await gql(owner, `{ brand(id: "${brand.id}") { contentItems(first: 1) { totalCount edges { cursor } } } }`)
    t.equal(nested.body.data.brand.contentItems.totalCount, null, 'nested connections document null')
  })

  t.test('sort is an enum per connection', async (t) => {
    const asc = await gql(owner, '{ contentItems(sort: title_asc, first: 5) { edges { node { title } } } }')
    t.same(asc.body.data.contentItems.edges.map((e: any) => e.node.title), ['Item 0', 'Item 1', 'Item 2', 'Item 3', 'Item 4'])
    const desc = await gql(owner, '{ contentItems(sort: title_desc, first: 1) { edges { node { title } } } }')
    t.equal(desc.body.data.contentItems.edges[0].node.title, 'Item 4')
    for (const query of ['{ contentItems(sort: "title") { totalCount } }', '{ contentItems(sort: name_asc) { totalCount } }', `{ brand(id: "${brand.id}") { contentItems(sort: scheduledAt_asc) { totalCount } } }`]) {
      const res = await gql(owner, query)
      t.equal(res.status, 400, query)
      t.equal(res.body.errors[0].extensions.code, 'HERALD_VALIDATION', query)
    }
    const schema = buildSchema(readFileSync(schemaPath, 'utf8'))
    const sorts = Object.values(schema.getTypeMap()).filter(isObjectType).flatMap((type) =>
      Object.values(type.getFields()).flatMap((f) => f.args.filter((a) => a.name === 'sort').map((a) => [`${type.name}.${f.name}`, isEnumType(a.type)])))
    t.ok(sorts.length >= 17, `${sorts.length} connections with a sort`)
    t.same(sorts.filter(([, isEnum]) => !isEnum), [], 'no connection takes a free String')
  })
})
