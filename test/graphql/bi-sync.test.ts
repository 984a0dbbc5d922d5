import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createItem } from '../factories-content.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'
import { CLIENT_ONLY, createGuestLink, submittedItem, usePolicy } from '../factories-review.js'
import { activate, createPlaybook } from '../factories-crisis.js'
import { receiver } from '../webhook-receiver.js'

// Issue 11 item 7, made general: every connection has totalCount (root and nested, counted in
// the page's own statement, only when asked), every list whose rows have created_at/updated_at
// takes the same inclusive ranges in REST and GraphQL, REST's include=totalCount answers the
// GraphQL count, and node(id:) reaches every type with an id.

const gqlOf = (h: TestApp) => async (s: { token: string }, query: string, variables?: object) => {
  const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query, variables } })
  return { status: res.statusCode, body: json(res) }
}
const rest = async (h: TestApp, s: { token: string }, url: string) => await h.inject({ method: 'GET', url, headers: bearer(s.token) })

// Webhooks deliver to a receiver on this machine.
const LOOPBACK = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' }

t.test('BI sync over every connection', async (t) => {
  const h = await createTestApp(t, LOOPBACK)
  const gql = gqlOf(h)
  const owner = await signup(h, 'sync')
  const other = await signup(h, 'sync-other')
  const brands = [await createBrand(h, owner, 'Sync A'), await createBrand(h, owner, 'Sync B'), await createBrand(h, owner, 'Sync C')]
  const otherBrand = await createBrand(h, other, 'Elsewhere')
  // Brand A: 3 campaigns, 4 items, 2 accounts; B: 1, 1, 1; C: none.
  const campaigns: string[] = []
  for (const [i, n] of [[0, 3], [1, 1]] as const) {
    for (let k = 0; k < n; k++) campaigns.push((await createCampaign(h, owner, brands[i].id, { name: `Campaign ${i}-${k}` })).id)
  }
  await createCampaign(h, other, otherBrand.id, { name: 'Not yours' })
  for (let k = 0; k < 4; k++) await createItem(h, owner, { brandId: brands[0].id, title: `A${k}`, kind: 'post', ...(k < 2 ? { campaignId: campaigns[0] } : {}) })
  await createItem(h, owner, { brandId: brands[1].id, title: 'B0', kind: 'post' })
  await createSocialAccount(h, owner, brands[0].id, { platform: 'x' })
  await createSocialAccount(h, owner, brands[0].id, { platform: 'linkedin' })
  await createSocialAccount(h, owner, brands[1].id, { platform: 'x' })
  // A campaign and an item a previous sync already saw (changed two days ago).
  await h.sql("UPDATE campaigns SET updated_at = now() - interval '2 days', created_at = now() - interval '3 days' WHERE id = $1", [campaigns[1]])
  const [oldItem] = await h.sql("SELECT id FROM content_items WHERE title = 'A3' AND organization_id = $1", [owner.orgId])
  await h.sql("UPDATE content_items SET updated_at = now() - interval '2 days', created_at = now() - interval '3 days' WHERE id = $1", [oldItem.id])
  const yesterday = new Date(Date.now() - 86_400_000).toISOString()

  t.test('a BI tool pages content items and campaigns updated since yesterday, with totalCount', async (t) => {
    for (const [field, expected] of [['contentItems', 4], ['campaigns', 3]] as const) {
      const query = `query($since: DateTime!, $after: String) {
        ${field}(first: 2, after: $after, updatedAtFrom: $since, sort: createdAt_asc) {
          totalCount edges { node { id updatedAt } } pageInfo { hasNextPage endCursor } } }`
      const seen: string[] = []
      let after: string | null = null
      // What a page costs without its total (a campaign's page also reads its channels).
      let before = h.roundTrips.length
      await gql(owner, query.replace('totalCount ', ''), { since: yesterday, after })
      const plain = h.roundTrips.length - before
      for (;;) {
        before = h.roundTrips.length
        const res: { body: any } = await gql(owner, query, { since: yesterday, after })
        t.notOk(res.body.errors, JSON.stringify(res.body.errors))
        t.equal(h.roundTrips.length - before, plain, `${field}: a page with its total costs no round trip more (${plain})`)
        const conn = res.body.data[field]
        t.equal(conn.totalCount, expected, `${field}: the total counts every match, on every page`)
        for (const e of conn.edges) {
          t.ok(e.node.updatedAt >= yesterday)
          seen.push(e.node.id)
        }
        if (!conn.pageInfo.hasNextPage) break
        after = conn.pageInfo.endCursor
      }
      t.equal(new Set(seen).size, expected, `${field}: each once`)
      // REST answers the same question the same way, total included.
      const url = field === 'contentItems' ? '/v1/content-items' : '/v1/campaigns'
      const r = await rest(h, owner, `${url}?updatedAtFrom=${encodeURIComponent(yesterday)}&include=totalCount&limit=200`)
      t.equal(r.statusCode, 200)
      const body = json(r)
      t.equal(body.totalCount, expected, `REST ${url} include=totalCount`)
      t.same(body.data.map((x: any) => x.id).sort(), [...seen].sort())
      const untotalled = json(await rest(h, owner, `${url}?updatedAtFrom=${encodeURIComponent(yesterday)}`))
      t.notOk('totalCount' in untotalled, 'no total unless asked')
    }
  })

  t.test('range filters on every root connection with created/updated columns, REST and GraphQL alike', async (t) => {
    const future = new Date(Date.now() + 86_400_000).toISOString()
    const connections: Array<[string, string, string]> = [
      ['brands', '/v1/brands', ''],
      ['members', '/v1/members', ''],
      ['socialAccounts', '/v1/social-accounts', ''],
      ['campaigns', '/v1/campaigns', ''],
      ['approvalPolicies', '/v1/approval-policies', ''],
      ['approvalRequests', '/v1/approval-requests', ''],
      ['crisisPlaybooks', '/v1/crisis-playbooks', ''],
      ['incidents', '/v1/incidents', ''],
      ['webhooks', '/v1/webhooks', '']
    ]
    for (const [field, url] of connections) {
      for (const [args, params] of [
        [`createdAtFrom: "${future}"`, `createdAtFrom=${encodeURIComponent(future)}`],
        [`updatedAtTo: "${yesterday}", updatedAtFrom: "2000-01-01T00:00:00Z"`, `updatedAtTo=${encodeURIComponent(yesterday)}&updatedAtFrom=2000-01-01T00:00:00Z`],
        [`createdAtTo: "${future}"`, `createdAtTo=${encodeURIComponent(future)}`]
      ]) {
        const res = await gql(owner, `{ ${field}(first: 200, ${args}) { totalCount edges { node { id } } } }`)
        t.notOk(res.body.errors, `${field}(${args}) ${JSON.stringify(res.body.errors)}`)
        const r = await rest(h, owner, `${url}?limit=200&include=totalCount&${params}`)
        t.equal(r.statusCode, 200, `${url}?${params}: ${r.body.slice(0, 200)}`)
        const body = json(r)
        const conn = res.body.data[field]
        t.equal(conn.totalCount, conn.edges.length, `${field}(${args}): totalCount is the number of matches`)
        t.equal(body.totalCount, conn.totalCount, `${url}: REST's total is GraphQL's`)
        t.same(body.data.map((x: any) => x.id).sort(), conn.edges.map((e: any) => e.node.id).sort(), `${url}: the same rows`)
        if (args.startsWith('createdAtFrom')) t.equal(conn.totalCount, 0, `${field}: nothing was created tomorrow`)
      }
    }
    const old = await gql(owner, `{ campaigns(updatedAtTo: "${yesterday}") { totalCount edges { node { id } } } }`)
    t.same(old.body.data.campaigns, { totalCount: 1, edges: [{ node: { id: campaigns[1] } }] }, 'the campaign last changed two days ago')
  })

  t.test('a bad range is a clear validation error in both faces', async (t) => {
    for (const [field, url] of [['campaigns', '/v1/campaigns'], ['brands', '/v1/brands'], ['webhooks', '/v1/webhooks'], ['events', '/v1/events']]) {
      const backwards = await rest(h, owner, `${url}?createdAtFrom=2026-01-02T00:00:00Z&createdAtTo=2026-01-01T00:00:00Z`)
      t.equal(backwards.statusCode, 400, url)
      t.match(json(backwards), { code: 'HERALD_VALIDATION', errors: [{ path: 'createdAtFrom', message: /must not be after createdAtTo/ }] })
      const gqlBackwards = await gql(owner, `{ ${field}(createdAtFrom: "2026-01-02T00:00:00Z", createdAtTo: "2026-01-01T00:00:00Z") { totalCount } }`)
      t.match(gqlBackwards.body.errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'createdAtFrom' }] }, `${field}: backwards`)
      const malformed = await rest(h, owner, `${url}?createdAtFrom=yesterday`)
      t.equal(malformed.statusCode, 400)
      t.match(json(malformed), { code: 'HERALD_VALIDATION', errors: [{ path: 'createdAtFrom', message: /RFC 3339|datetime/i }] })
      const gqlMalformed = await gql(owner, `{ ${field}(createdAtFrom: "yesterday") { totalCount } }`)
      t.equal(gqlMalformed.body.errors[0].extensions.code, 'HERALD_VALIDATION', `${field}: not a DateTime`)
    }
    const updated = await rest(h, owner, '/v1/campaigns?updatedAtFrom=2026-01-02T00:00:00Z&updatedAtTo=2026-01-01T00:00:00Z')
    t.match(json(updated), { code: 'HERALD_VALIDATION', errors: [{ path: 'updatedAtFrom' }] })
    const long = await rest(h, owner, `/v1/campaigns?updatedAtFrom=2026-01-01T00:00:00.${'0'.repeat(80)}Z`)
    t.equal(long.statusCode, 400, 'an oversized bound')
    t.match(json(long), { code: 'HERALD_VALIDATION', errors: [{ path: 'updatedAtFrom' }] })
    const include = await rest(h, owner, '/v1/campaigns?include=everything')
    t.equal(include.statusCode, 400, 'include takes totalCount only')
    t.match(json(include), { errors: [{ path: 'include' }] })
  })

  t.test('nested connections count per parent, in the same batched statement', async (t) => {
    const shape = (withTotal: boolean) => `{ brands(first: 10, sort: name_asc) { edges { node { name
      campaigns(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } }
      contentItems(first: 1) { ${withTotal ? 'totalCount' : ''} edges { node { title
        comments(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } }
        revisions(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } }
        timeline(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } }
        approvalRequests(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } } } } }
      socialAccounts(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } }
      blackouts(first: 1) { ${withTotal ? 'totalCount' : ''} edges { cursor } } } } } }`
    let before = h.queries.length
    const plain = await gql(owner, shape(false))
    t.notOk(plain.body.errors, JSON.stringify(plain.body.errors))
    const plainStatements = h.queries.length - before
    t.notOk(h.queries.slice(before).some((q) => /count\(\*\)/i.test(q)), 'nothing counted when no totalCount is asked')
    before = h.queries.length
    const counted = await gql(owner, shape(true))
    t.notOk(counted.body.errors, JSON.stringify(counted.body.errors))
    t.equal(h.queries.length - before, plainStatements, `the same ${plainStatements} statements with every total`)
    const byName = Object.fromEntries(counted.body.data.brands.edges.map((e: any) => [e.node.name, e.node]))
    t.same([byName['Sync A'].campaigns.totalCount, byName['Sync B'].campaigns.totalCount, byName['Sync C'].campaigns.totalCount], [3, 1, 0], 'campaigns per brand')
    t.same([byName['Sync A'].contentItems.totalCount, byName['Sync B'].contentItems.totalCount, byName['Sync C'].contentItems.totalCount], [4, 1, 0], 'items per brand')
    t.same([byName['Sync A'].socialAccounts.totalCount, byName['Sync B'].socialAccounts.totalCount, byName['Sync C'].socialAccounts.totalCount], [2, 1, 0], 'accounts per brand')
    t.equal(byName['Sync A'].campaigns.edges.length, 1, 'the page is still first: 1')
    t.equal(byName['Sync C'].blackouts.totalCount, 0)
    const item = byName['Sync A'].contentItems.edges[0].node
    t.equal(item.revisions.totalCount, 1, 'one revision')
    t.ok(item.timeline.totalCount >= 1, 'its timeline counts its entries')
    t.equal(item.comments.totalCount, 0)
    t.equal(item.approvalRequests.totalCount, 0)

    // Past the end of one parent's page, its total is still known (same statement).
    const first = await gql(owner, `{ brand(id: "${brands[0].id}") { campaigns(first: 5) { pageInfo { endCursor } } } }`)
    const past = await gql(owner, `query($a: String) { brand(id: "${brands[0].id}") { campaigns(first: 5, after: $a) { totalCount edges { cursor } } } }`, { a: first.body.data.brand.campaigns.pageInfo.endCursor })
    t.same(past.body.data.brand.campaigns, { totalCount: 3, edges: [] })
    // A campaign's items.
    const inCampaign = await gql(owner, `{ campaign(id: "${campaigns[0]}") { contentItems(first: 1) { totalCount } } }`)
    t.equal(inCampaign.body.data.campaign.contentItems.totalCount, 2)
  })

  t.test('totalCount on the other root connections equals what paging finds', async (t) => {
    await usePolicy(h, owner, brands[1].id, CLIENT_ONLY)
    await addMember(h, owner, 'client', [brands[1].id])
    const { requestId, item } = await submittedItem(h, owner, brands[1].id)
    await createGuestLink(h, owner, requestId)
    await createGuestLink(h, owner, requestId, { email: 'second@example.com' })
    const playbook = await createPlaybook(h, owner, { brandIds: [brands[0].id] })
    const incident = json(await activate(h, owner, playbook.id, { brandId: brands[0].id, severity: 'sev1', note: 'Recall' }))
    const rx = await receiver(t)
    await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.*'] } })
    for (const field of ['brands', 'members', 'socialAccounts', 'approvalPolicies', 'approvalRequests', 'crisisPlaybooks', 'incidents', 'webhooks', 'events']) {
      const all = await gql(owner, `{ ${field}(first: 200) { totalCount edges { cursor } } }`)
      t.notOk(all.body.errors, `${field} ${JSON.stringify(all.body.errors)}`)
      t.ok(all.body.data[field].totalCount > 0, `${field} has rows`)
      t.equal(all.body.data[field].totalCount, all.body.data[field].edges.length, field)
      const one = await gql(owner, `{ ${field}(first: 1) { totalCount } }`)
      t.equal(one.body.data[field].totalCount, all.body.data[field].totalCount, `${field}: whatever first`)
    }
    const links = await gql(owner, `{ guestLinks(requestId: "${requestId}", first: 1) { totalCount edges { cursor } } }`)
    t.equal(links.body.data.guestLinks.totalCount, 2)
    const timeline = await gql(owner, `{ incidentTimeline(id: "${incident.id}", first: 1) { totalCount edges { cursor } } }`)
    t.ok(timeline.body.data.incidentTimeline.totalCount >= 1)
    const restTimeline = json(await rest(h, owner, `/v1/incidents/${incident.id}/timeline?include=totalCount&limit=1`))
    t.equal(restTimeline.totalCount, timeline.body.data.incidentTimeline.totalCount, 'REST and GraphQL count the same entries')
    const itemTimeline = json(await rest(h, owner, `/v1/content-items/${item.id}/timeline?include=totalCount`))
    t.equal(itemTimeline.totalCount, itemTimeline.data.length)
    // Other tenants' rows are never counted.
    const theirs = await gql(other, '{ campaigns { totalCount } brands { totalCount } }')
    t.same(theirs.body.data, { campaigns: { totalCount: 1 }, brands: { totalCount: 1 } })
    // A brand-limited member counts what it may see.
    const limited = await addMember(h, owner, 'creator', [brands[1].id])
    const seen = await gql(limited, '{ campaigns { totalCount } contentItems { totalCount } }')
    t.same(seen.body.data, { campaigns: { totalCount: 1 }, contentItems: { totalCount: 2 } })
    const hidden = await gql(limited, `{ campaigns(brandId: "${brands[0].id}") { totalCount edges { cursor } } }`)
    t.same(hidden.body.data.campaigns, { totalCount: 0, edges: [] }, 'a brand it may not see: nothing, counted as nothing')
  })
})

t.test('node(id:) reaches every type with an id, with its REST read\'s checks', async (t) => {
  const h = await createTestApp(t, LOOPBACK)
  const gql = gqlOf(h)
  const owner = await signup(h, 'nodes2')
  const other = await signup(h, 'nodes2-other')
  const brand = await createBrand(h, owner, 'Nodes')
  const second = await createBrand(h, owner, 'Second')
  const blackout = json(await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/blackouts`, headers: bearer(owner.token), payload: { startsAt: '2031-03-14T00:00:00+01:00', endsAt: '2031-03-15T00:00:00+01:00', reason: 'Mourning' } }))
  await usePolicy(h, owner, brand.id, CLIENT_ONLY)
  await addMember(h, owner, 'client', [brand.id])
  const { requestId, item } = await submittedItem(h, owner, brand.id)
  const link = await createGuestLink(h, owner, requestId)
  const [revision] = await h.sql('SELECT id FROM content_revisions WHERE content_item_id = $1 ORDER BY revision LIMIT 1', [item.id])
  const playbook = await createPlaybook(h, owner, { brandIds: [brand.id] })
  const incident = json(await activate(h, owner, playbook.id, { brandId: brand.id, severity: 'sev1', note: 'Recall' }))
  const [entry] = await h.sql('SELECT id, kind FROM incident_entries WHERE incident_id = $1 ORDER BY created_at LIMIT 1', [incident.id])
  const rx = await receiver(t)
  const webhook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.*'], brandId: brand.id } }))
  const [event] = await h.sql("SELECT id FROM events WHERE organization_id = $1 AND brand_id = $2 AND type = 'brand.blackout_created'", [owner.orgId, brand.id])
  const [orgEvent] = await h.sql('SELECT id FROM events WHERE organization_id = $1 AND brand_id IS NULL LIMIT 1', [owner.orgId])

  const query = `query($id: ID!) { node(id: $id) { __typename id
    ... on Blackout { reason } ... on GuestLink { requestId } ... on Event { type }
    ... on ContentRevision { revision contentItemId } ... on CrisisPlaybook { name } ... on Incident { status }
    ... on Webhook { url } ... on IncidentEntry { kind } } }`
  const cases: Array<[string, Record<string, unknown>]> = [
    [blackout.id, { __typename: 'Blackout', reason: 'Mourning' }],
    [link.id, { __typename: 'GuestLink', requestId }],
    [event.id, { __typename: 'Event', type: 'brand.blackout_created' }],
    [revision.id, { __typename: 'ContentRevision', revision: 1, contentItemId: item.id }],
    [playbook.id, { __typename: 'CrisisPlaybook', name: playbook.name }],
    [incident.id, { __typename: 'Incident' }],
    [entry.id, { __typename: 'IncidentEntry', kind: entry.kind }],
    [webhook.id, { __typename: 'Webhook', url: rx.url }]
  ]
  for (const [id, expected] of cases) {
    const res = await gql(owner, query, { id })
    t.notOk(res.body.errors, `${expected.__typename as string}: ${JSON.stringify(res.body.errors)}`)
    t.match(res.body.data.node, { ...expected, id }, expected.__typename as string)
    const foreign = await gql(other, query, { id })
    t.equal(foreign.body.data?.node ?? null, null, `${expected.__typename as string}: not another tenant's`)
    t.equal(foreign.body.errors[0].extensions.code, 'HERALD_NOT_FOUND', `${expected.__typename as string}: as not found`)
  }
  // The revision's id is the one REST lists.
  const revisions = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/revisions`, headers: bearer(owner.token) }))
  t.equal(revisions.data.at(-1).id, revision.id)

  // Outside a brand grant: not found, as the REST reads answer.
  const limited = await addMember(h, owner, 'manager', [second.id])
  const hookKey = await createApiKey(h, owner, ['webhooks:manage'], [second.id])
  for (const [who, id, label, restUrl] of [
    [limited, blackout.id, 'Blackout', `/v1/brands/${brand.id}/blackouts`],
    [limited, link.id, 'GuestLink', `/v1/approval-requests/${requestId}/guest-links`],
    [limited, revision.id, 'ContentRevision', `/v1/content-items/${item.id}/revisions`],
    [limited, incident.id, 'Incident', `/v1/incidents/${incident.id}`],
    [limited, entry.id, 'IncidentEntry', `/v1/incidents/${incident.id}/timeline`],
    [{ token: hookKey.secret }, webhook.id, 'Webhook', `/v1/webhooks/${webhook.id}`]
  ] as const) {
    const res = await gql(who, query, { id })
    t.equal(res.body.data?.node ?? null, null, `${label} outside the grant`)
    t.equal(res.body.errors[0].extensions.code, 'HERALD_NOT_FOUND', `${label} outside the grant`)
    const r = await h.inject({ method: 'GET', url: restUrl, headers: bearer(who.token) })
    t.equal(r.statusCode, 404, `${label}: REST answers 404 too`)
  }
  // Events: a brand-limited reader sees its brands' events only, as the feed shows them.
  const key = await createApiKey(h, owner, ['events:read'], [second.id])
  const evBrand = await gql({ token: key.secret }, query, { id: event.id })
  t.equal(evBrand.body.errors[0].extensions.code, 'HERALD_NOT_FOUND', 'an event of a brand outside the grant')
  if (orgEvent) {
    const evOrg = await gql({ token: key.secret }, query, { id: orgEvent.id })
    t.equal(evOrg.body.errors[0].extensions.code, 'HERALD_NOT_FOUND', 'an organization-level event for a brand-limited key')
    const full = await createApiKey(h, owner, ['events:read'])
    const seen = await gql({ token: full.secret }, query, { id: orgEvent.id })
    t.equal(seen.body.data.node.__typename, 'Event', 'an unlimited key sees it')
  }
  // A key without the type's scope: as the type's own query answers.
  const contentOnly = await createApiKey(h, owner, ['content:read'])
  const wh = await gql({ token: contentOnly.secret }, query, { id: webhook.id })
  const whDirect = await gql({ token: contentOnly.secret }, `{ webhook(id: "${webhook.id}") { id } }`)
  t.equal(wh.body.errors[0].extensions.code, whDirect.body.errors[0].extensions.code, 'Webhook: as webhook(id:)')
  const bl = await gql({ token: contentOnly.secret }, query, { id: blackout.id })
  t.equal(bl.body.errors[0].extensions.code, 'HERALD_FORBIDDEN', 'Blackout: brands:read is needed, as for the brand\'s blackouts')
})
