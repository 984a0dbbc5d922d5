import t from 'tap'
import { bearer, createTestApp, type TestApp } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { campaign, createItem, socialAccount } from '../factories-content.js'
import { CLIENT_ONLY, comment, submittedItem, usePolicy } from '../factories-review.js'
import { createPlaybook } from '../factories-crisis.js'

// Round trips to PostgreSQL are a tested property of the request path (issue 10): an
// authenticated read is ONE round trip (the role and tenant settings, the credential's check,
// the query itself, in one message, and no COMMIT: reads run in autocommit); a content item's
// create two (its checks; then its insert and everything else with COMMIT, insertKnown), and no
// create more than three. A change that adds one fails here.

async function tripsOf (h: TestApp, request: () => Promise<{ statusCode: number, body: string }>): Promise<string[][]> {
  const before = h.roundTrips.length
  const res = await request()
  if (res.statusCode >= 300) throw new Error(`${res.statusCode} ${res.body}`)
  return h.roundTrips.slice(before)
}

t.test('round trips per request', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'trips')
  const brand = await createBrand(h, a)
  const x = await socialAccount(h, a.orgId, brand.id)
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const camp = await campaign(h, a.orgId, brand.id)
  const item = await createItem(h, a, { brandId: brand.id, campaignId: camp, targets: [{ socialAccountId: x }, { socialAccountId: li }] })
  const get = (url: string) => async () => await h.inject({ method: 'GET', url, headers: bearer(a.token) })

  t.test('a read is one round trip: settings, credential check and query together', async (t) => {
    for (const url of [`/v1/content-items/${item.id}`, `/v1/content-items?campaignId=${camp}&limit=50`, `/v1/brands/${brand.id}`, '/v1/brands', '/v1/me', `/v1/campaigns/${camp}`, '/v1/campaigns']) {
      const trips = await tripsOf(h, get(url))
      t.equal(trips.length, 1, `GET ${url.replace(/[0-9a-f-]{36}/g, '{id}')}: ${trips.length} round trip(s)`)
      t.match(trips[0]?.[0], /set_config\('role', 'herald_app'/, 'the settings travel first')
      t.match(trips[0]?.[1], /FROM memberships/, 'then the credential check')
      t.notOk(trips.flat().some((s) => /^(BEGIN|COMMIT)$/.test(s)), 'in autocommit: no BEGIN or COMMIT')
    }
  })

  t.test("a parent's sub-resources are one round trip too: the parent's check travels with the page", async (t) => {
    await usePolicy(h, a, brand.id, CLIENT_ONLY)
    const { item: submitted, requestId } = await submittedItem(h, a, brand.id)
    const note = await comment(h, a, submitted.id, { body: 'Counted', visibility: 'internal' })
    const playbook = await createPlaybook(h, a)
    for (const url of [`/v1/content-items/${submitted.id}/comments`, `/v1/content-items/${submitted.id}/comments/${note.id}`, `/v1/content-items/${submitted.id}/revisions`,
      `/v1/content-items/${submitted.id}/revisions/1`, `/v1/content-items/${submitted.id}/timeline`, `/v1/content-items/${submitted.id}/publications`,
      `/v1/approval-requests/${requestId}`, `/v1/approval-requests/${requestId}/guest-links`, `/v1/brands/${brand.id}/blackouts`, `/v1/brands/${brand.id}/pause`,
      `/v1/crisis-playbooks/${playbook.id}/versions`, `/v1/crisis-playbooks/${playbook.id}/versions/1`, '/v1/approval-requests', '/v1/approval-requests?include=totalCount',
      `/v1/calendar?brandId=${brand.id}&from=2026-01-01&to=2026-01-31`, `/v1/content-items/${submitted.id}/approval`]) {
      await get(url)()
      const trips = await tripsOf(h, get(url))
      t.equal(trips.length, 1, `GET ${url.replace(/[0-9a-f-]{36}/g, '{id}')}: ${trips.length} round trip(s)`)
    }
    // Still more than one (see the README's request-path notes): the goals' sums need what the
    // first read returns (the campaign's dates and goals, its brand's time zone). It must not grow.
    for (const [url, most] of [[`/v1/campaigns/${camp}/progress`, 2]] as const) {
      const trips = await tripsOf(h, get(url))
      t.ok(trips.length <= most, `GET ${url.replace(/[0-9a-f-]{36}/g, '{id}')}: ${trips.length} round trips (at most ${most})`)
    }
  })

  t.test('a missing parent is still "not found" when its sub-resource is read beside it', async (t) => {
    const missing = '00000000-0000-4000-8000-000000000000'
    for (const url of [`/v1/content-items/${missing}/comments?cursor=not-a-cursor`, `/v1/content-items/${missing}/revisions?cursor=not-a-cursor`, `/v1/content-items/${missing}/timeline`, `/v1/content-items/${missing}/publications`]) {
      const res = await h.inject({ method: 'GET', url, headers: bearer(a.token) })
      t.equal(res.statusCode, 404, `GET ${url.replace(missing, '{missing}')}`)
      t.match(res.json().detail, /Content item/i, 'the item is what was not found')
    }
    // The page alone would have failed too (so the order of the two failures is what is tested).
    for (const url of [`/v1/content-items/${item.id}/comments?cursor=not-a-cursor`, `/v1/content-items/${item.id}/revisions?cursor=not-a-cursor`]) {
      t.equal((await h.inject({ method: 'GET', url, headers: bearer(a.token) })).statusCode, 400, `GET ${url.replace(item.id, '{item}')}: a bad cursor is 400`)
    }
  })

  t.test('a credential seen for the first time costs one look-up more', async (t) => {
    const fresh = await signup(h, 'trips-fresh')
    const trips = await tripsOf(h, async () => await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(fresh.token) }))
    t.ok(trips.length <= 2, `${trips.length} round trips`)
  })

  t.test('a GraphQL query runs in autocommit too', async (t) => {
    const trips = await tripsOf(h, async () => await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: `{ contentItem(id: "${item.id}") { title } }` } }))
    t.equal(trips.length, 1)
    t.notOk(trips.flat().some((s) => /^(BEGIN|COMMIT)$/.test(s)))
  })

  t.test('the nested query (campaigns → items → approval and its decisions) is three round trips', async (t) => {
    // The bench's nested workload: one round trip per level. A campaign's channels travel in
    // the campaigns statement, a request's decisions in the request statement.
    const query = '{ campaigns(first: 10) { edges { node { name contentItems(first: 20) { edges { node { title approval { status decisions { decision createdAt } } } } } } } } }'
    const trips = await tripsOf(h, async () => await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query } }))
    t.equal(trips.length, 3, `${trips.length} round trips: ${JSON.stringify(trips.map((trip) => trip.map((s) => s.slice(0, 60))))}`)
    t.equal(trips.flat().length, 7, 'settings and the credential check, then settings and one statement per level')
    t.ok(trips.every((trip) => /set_config\('app.org_id'/.test(trip[0])), 'every round trip sets the tenant first')
  })

  t.test('creating an item is two round trips: its checks, then its writes with COMMIT', async (t) => {
    const trips = await tripsOf(h, async () => await h.inject({
      method: 'POST',
      url: '/v1/content-items',
      headers: bearer(a.token),
      payload: { brandId: brand.id, campaignId: camp, title: 'Three trips', kind: 'post', body: 'Counted', targets: [{ socialAccountId: x }, { socialAccountId: li }] }
    }))
    t.equal(trips.length, 2, `${trips.length} round trips: ${JSON.stringify(trips.map((trip) => trip.map((s) => s.slice(0, 30))))}`)
    t.match(trips[1][0], /^insert into "content_items"/, 'the item\'s INSERT travels with the deferred writes (insertKnown)')
    t.equal(trips[0][0], 'BEGIN', 'a write opens its transaction with its first statement')
    t.equal(trips[trips.length - 1].at(-1), 'COMMIT', 'and closes it with what was deferred')
    const [stored] = await h.sql("SELECT (SELECT count(*)::int FROM content_targets t WHERE t.content_item_id = i.id) AS targets, (SELECT count(*)::int FROM content_revisions r WHERE r.content_item_id = i.id) AS revisions, (SELECT count(*)::int FROM events e WHERE e.subject_id = i.id) AS events FROM content_items i WHERE i.title = 'Three trips'")
    t.same(stored, { targets: 2, revisions: 1, events: 1 }, 'what was deferred was written')
  })
})
