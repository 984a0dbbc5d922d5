import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildSchema, isEnumType, isObjectType } from 'graphql'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup, type Session } from '../factories.js'
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
    t.equal(nested.body.data.brand.contentItems.totalCount, 5, 'nested connections count too (per parent, see bi-sync.test.ts)')
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

t.test('ContentItem.campaign and the events feed', async (t) => {
  const h = await createTestApp(t)
  const gql = gqlOf(h)
  const owner = await signup(h, 'bi-objects')
  const other = await signup(h, 'bi-objects-other')
  const brand = await createBrand(h, owner, 'Objects')
  const camps: string[] = []
  for (const name of ['Spring', 'Summer']) camps.push(json(await h.inject({ method: 'POST', url: '/v1/campaigns', headers: bearer(owner.token), payload: { brandId: brand.id, name, objective: 'awareness' } })).id)
  for (let i = 0; i < 6; i++) await createItem(h, owner, { brandId: brand.id, title: `Post ${i}`, kind: 'post', ...(i < 4 ? { campaignId: camps[i % 2] } : {}) })

  t.test('ContentItem.campaign is an object, batched in one statement, null without one', async (t) => {
    const before = h.queries.length
    const res = await gql(owner, '{ contentItems(first: 10, sort: title_asc) { edges { node { title campaignId campaign { id name brand { name } } } } } }')
    t.notOk(res.body.errors)
    const nodes = res.body.data.contentItems.edges.map((e: any) => e.node)
    t.same(nodes.map((n: any) => n.campaign?.name ?? null), ['Spring', 'Summer', 'Spring', 'Summer', null, null])
    t.ok(nodes.every((n: any) => (n.campaign?.id ?? null) === n.campaignId))
    t.equal(nodes[0].campaign.brand.name, 'Objects')
    const campaignReads = h.queries.slice(before).filter((q) => /from "campaigns"/i.test(q))
    t.equal(campaignReads.length, 1, 'one statement for every item\'s campaign')
    // A key that may read content but not campaigns sees null, not an error.
    const key = await createApiKey(h, owner, ['content:read'])
    const limited = await gql({ token: key.secret } as any, '{ contentItems(first: 10, sort: title_asc) { edges { node { campaignId campaign { name } } } } }')
    t.notOk(limited.body.errors)
    t.ok(limited.body.data.contentItems.edges.every((e: any) => e.node.campaign === null))
  })

  t.test('the events feed answers as GET /v1/events does', async (t) => {
    const since = new Date(Date.now() - 3_600_000).toISOString()
    const rest = json(await h.inject({ method: 'GET', url: `/v1/events?type=campaign.created&createdAtFrom=${encodeURIComponent(since)}&limit=10`, headers: bearer(owner.token) }))
    const res = await gql(owner, 'query($since: DateTime) { events(first: 10, type: "campaign.created", createdAtFrom: $since) { edges { cursor node { id type subjectType subjectId brandId actor { type id label } data createdAt } } pageInfo { hasNextPage } } }', { since })
    t.notOk(res.body.errors)
    const nodes = res.body.data.events.edges.map((e: any) => e.node)
    t.equal(nodes.length, 2)
    t.same(nodes.map((n: any) => ({ ...n, data: JSON.parse(n.data) })), rest.data, 'the same events, fields and order')
    const asc = await gql(owner, '{ events(first: 1, sort: createdAt_asc) { edges { node { type } } } }')
    t.equal(asc.body.data.events.edges.length, 1)
    const foreign = await gql(other, `{ events(brandId: "${brand.id}") { edges { cursor } } }`)
    t.same(foreign.body.data.events.edges, [], 'another tenant\'s brand: an empty page')
    const bad = await gql(owner, '{ events(createdAtFrom: "2026-01-02T00:00:00Z", createdAtTo: "2026-01-01T00:00:00Z") { edges { cursor } } }')
    t.equal(bad.body.errors[0].extensions.code, 'HERALD_VALIDATION', 'a backwards range is refused as in REST')
    const creator = await addMember(h, owner, 'client', [brand.id])
    const forbidden = await gql(creator, '{ events { edges { cursor } } }')
    const restForbidden = await h.inject({ method: 'GET', url: '/v1/events', headers: bearer(creator.token) })
    if (restForbidden.statusCode === 403) t.equal(forbidden.body.errors[0].extensions.code, 'HERALD_FORBIDDEN', 'without events:read, refused as in REST')
    else t.notOk(forbidden.body.errors, 'allowed as in REST')
  })
})

t.test('Node: node(id:) finds any object by its id, with its type\'s own checks', async (t) => {
  const h = await createTestApp(t)
  const gql = gqlOf(h)
  const owner = await signup(h, 'node')
  const other = await signup(h, 'node-other')
  const brand = await createBrand(h, owner, 'Nodes')
  const otherBrand = await createBrand(h, other, 'Theirs')
  const campaign = json(await h.inject({ method: 'POST', url: '/v1/campaigns', headers: bearer(owner.token), payload: { brandId: brand.id, name: 'Node campaign', objective: 'awareness' } })).id
  const item = await createItem(h, owner, { brandId: brand.id, title: 'Node item', kind: 'post', campaignId: campaign })
  const comment = json(await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/comments`, headers: bearer(owner.token), payload: { body: 'internal note', visibility: 'internal' } })).id
  const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(owner.token) })).membershipId

  const query = 'query($id: ID!) { node(id: $id) { __typename id ... on Brand { name } ... on Campaign { name } ... on ContentItem { title campaign { name } } ... on Comment { body } ... on Member { role } } }'
  for (const [id, expected] of [
    [brand.id, { __typename: 'Brand', name: 'Nodes' }],
    [campaign, { __typename: 'Campaign', name: 'Node campaign' }],
    [item.id, { __typename: 'ContentItem', title: 'Node item', campaign: { name: 'Node campaign' } }],
    [comment, { __typename: 'Comment', body: 'internal note' }],
    [me, { __typename: 'Member', role: 'owner' }]
  ] as const) {
    const res = await gql(owner, query, { id })
    t.notOk(res.body.errors, JSON.stringify(res.body.errors))
    t.match(res.body.data.node, { ...expected, id }, expected.__typename)
  }

  for (const [who, id, code, label] of [
    [owner, '00000000-0000-4000-8000-000000000000', 'HERALD_NOT_FOUND', 'an unknown id'],
    [owner, otherBrand.id, 'HERALD_NOT_FOUND', "another organization's brand"],
    [other, item.id, 'HERALD_NOT_FOUND', "another organization's item"],
    [owner, 'not-a-uuid', 'HERALD_VALIDATION', 'a malformed id']
  ] as const) {
    const res = await gql(who, query, { id })
    t.equal(res.body.data?.node ?? null, null, label)
    t.equal(res.body.errors[0].extensions.code, code, label)
  }

  // The type's own checks: a client never sees internal comments, whichever way it asks.
  const client = await addMember(h, owner, 'client', [brand.id])
  const direct = await gql(client, `{ comment(id: "${comment}") { id } }`)
  const viaNode = await gql(client, query, { id: comment })
  t.equal(viaNode.body.errors[0].extensions.code, direct.body.errors[0].extensions.code, 'as comment(id:) answers')
  t.equal(viaNode.body.data.node, null)
  // And a key without the type's scope.
  const key = await createApiKey(h, owner, ['content:read'])
  const camp = await gql({ token: key.secret } as any, query, { id: campaign })
  const campDirect = await gql({ token: key.secret } as any, `{ campaign(id: "${campaign}") { id } }`)
  t.equal(camp.body.errors[0].extensions.code, campDirect.body.errors[0].extensions.code)
})
