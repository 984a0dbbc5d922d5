import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup, type Session } from '../factories.js'
import { asOwner, campaign, createItem, moveTo, reviewer, socialAccount } from '../factories-content.js'

t.test('content items over GraphQL', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'gql-c')
  const b = await signup(h, 'gql-c-other')
  await reviewer(h, a) // submitting needs an approver other than the author
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const gql = async (s: Session | { token: string }, query: string, variables?: object) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query, variables } })
    return json(res)
  }
  const ITEM = 'id title status revision version body scheduledAt scheduledLocal timeZone scheduleBasis targets { id socialAccountId platform body } createdBy { type id }'

  t.test('mutations do what REST does, with the same rules', async (t) => {
    const created = await gql(a, `mutation($in: CreateContentItemInput!) { createContentItem(input: $in) { ${ITEM} brand { name } } }`, {
      in: { brandId: brand.id, title: 'Via GraphQL', kind: 'post', body: 'Hello', campaignId: null, targets: [{ socialAccountId: x, body: 'Hi X' }, { socialAccountId: li }], scheduledLocal: '2030-06-01T09:00' }
    })
    t.notOk(created.errors, JSON.stringify(created.errors))
    const item = created.data.createContentItem
    t.match(item, { title: 'Via GraphQL', status: 'draft', revision: 1, scheduledAt: '2030-06-01T07:00:00.000Z', scheduleBasis: 'local', brand: { name: 'Lumen' }, createdBy: { type: 'member', id: a.membershipId } })
    t.same(item.targets.map((x: any) => [x.platform, x.body]), [['x', 'Hi X'], ['linkedin', null]])

    const invalid = await gql(a, 'mutation($in: CreateContentItemInput!) { createContentItem(input: $in) { id } }', { in: { brandId: brand.id, title: 'x', kind: 'post', hashtags: ['#no'], targets: [{ socialAccountId: x }, { socialAccountId: x }] } })
    t.equal(invalid.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.same(invalid.errors[0].extensions.errors.map((e: any) => e.path).sort(), ['hashtags/0', 'targets/1/socialAccountId'])

    const stale = await gql(a, 'mutation($id: ID!) { updateContentItem(id: $id, input: { title: "x" }, expectedVersion: 9) { id } }', { id: item.id })
    t.equal(stale.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const updated = await gql(a, 'mutation($id: ID!) { updateContentItem(id: $id, input: { body: "Edited", scheduledAt: null, title: null }, expectedVersion: 1) { title body scheduledAt revision version } }', { id: item.id })
    t.same(updated.data.updateContentItem, { title: 'Via GraphQL', body: 'Edited', scheduledAt: null, revision: 2, version: 2 }, 'null clears the time; null on a title means not given')

    const submitted = await gql(a, 'mutation($id: ID!) { submitContentItem(id: $id, dueAt: "2031-01-01T00:00:00Z") { status } }', { id: item.id })
    t.equal(submitted.data.submitContentItem.status, 'in_review')
    const illegal = await gql(a, 'mutation($id: ID!) { unscheduleContentItem(id: $id) { status } }', { id: item.id })
    t.equal(illegal.errors[0].extensions.code, 'HERALD_ILLEGAL_TRANSITION')
    await moveTo(h, a, item.id, 'approved')
    const scheduled = await gql(a, 'mutation($id: ID!) { scheduleContentItem(id: $id, input: { scheduledLocal: "2030-07-01T10:00", timeZone: "America/New_York" }) { status scheduledAt } }', { id: item.id })
    t.same(scheduled.data.scheduleContentItem, { status: 'scheduled', scheduledAt: '2030-07-01T14:00:00.000Z' })
    t.equal((await gql(a, 'mutation($id: ID!) { unscheduleContentItem(id: $id) { status } }', { id: item.id })).data.unscheduleContentItem.status, 'approved')
    t.equal((await gql(a, 'mutation($id: ID!) { archiveContentItem(id: $id) { status } }', { id: item.id })).data.archiveContentItem.status, 'archived')
    t.equal((await gql(a, 'mutation($id: ID!) { restoreContentItem(id: $id) { status } }', { id: item.id })).data.restoreContentItem.status, 'draft')
    const deleted = await gql(a, 'mutation($id: ID!) { deleteContentItem(id: $id) }', { id: item.id })
    t.equal(deleted.data.deleteContentItem, item.id)
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).statusCode, 404)

    const bulk = await gql(a, 'mutation($items: [CreateContentItemInput!]!) { bulkCreateContentItems(items: $items) { title } }', { items: [{ brandId: brand.id, title: 'B1', kind: 'post' }, { brandId: brand.id, title: 'B2', kind: 'reel', targets: [{ socialAccountId: '00000000-0000-4000-8000-000000000000' }] }] })
    t.equal(bulk.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    t.same(bulk.errors[0].extensions.errors, [{ path: 'items/1/targets/0/socialAccountId', message: 'social account not found' }])
    const bulkOk = await gql(a, 'mutation($items: [CreateContentItemInput!]!) { bulkCreateContentItems(items: $items) { title } }', { items: [{ brandId: brand.id, title: 'B1', kind: 'post' }, { brandId: brand.id, title: 'B2', kind: 'reel' }] })
    t.same(bulkOk.data.bulkCreateContentItems, [{ title: 'B1' }, { title: 'B2' }])

    const blackout = await gql(a, 'mutation($b: ID!) { createBrandBlackout(brandId: $b, input: { startsAt: "2031-02-01T00:00:00Z", endsAt: "2031-02-02T00:00:00Z", reason: "Quiet" }) { blackout { id reason } conflictingContentItemIds } }', { b: brand.id })
    t.match(blackout.data.createBrandBlackout, { blackout: { reason: 'Quiet' }, conflictingContentItemIds: [] })
    const inside = await gql(a, 'mutation($in: CreateContentItemInput!) { createContentItem(input: $in) { id } }', { in: { brandId: brand.id, title: 'x', kind: 'post', scheduledAt: '2031-02-01T12:00:00Z' } })
    t.equal(inside.errors[0].extensions.code, 'HERALD_BLACKOUT')
    const badWindow = await gql(a, 'mutation($b: ID!) { createBrandBlackout(brandId: $b, input: { startsAt: "2031-02-02T00:00:00Z", endsAt: "2031-02-01T00:00:00Z", reason: "x" }) { blackout { id } } }', { b: brand.id })
    t.equal(badWindow.errors[0].extensions.errors[0].path, 'endsAt')
    const windows = await gql(a, 'query($b: ID!) { brand(id: $b) { blackouts { edges { node { id reason } } } } }', { b: brand.id })
    t.same(windows.data.brand.blackouts.edges.map((e: any) => e.node.reason), ['Quiet'])
    const removed = await gql(a, 'mutation($b: ID!, $id: ID!) { deleteBrandBlackout(brandId: $b, id: $id) }', { b: brand.id, id: blackout.data.createBrandBlackout.blackout.id })
    t.equal(removed.data.deleteBrandBlackout, blackout.data.createBrandBlackout.blackout.id)
  })

  t.test('queries: item, list with filters, revisions, diff, calendar', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, title: 'Q', body: 'v1', hashtags: ['a'], targets: [{ socialAccountId: x }], scheduledAt: '2030-09-01T22:30:00Z', labels: ['q'] })
    await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { body: 'v2', hashtags: ['a', 'b'] } })
    const res = await gql(a, `query($id: ID!, $b: ID!) {
      contentItem(id: $id) { title body revisions(first: 1) { edges { node { revision changed actor { type id } snapshot { body hashtags targets { platform } } } } pageInfo { hasNextPage } } }
      contentItems(brandId: $b, label: "q", platform: x, sort: scheduledAt_desc) { edges { node { id } } }
      contentItemRevision(id: $id, revision: 1) { snapshot { body } }
      contentItemRevisionDiff(id: $id, from: 1, to: 2) { from to changes { path before after } }
      calendar(brandId: $b, from: "2030-09-01", to: "2030-09-02") { timeZone days { date items { title targets { platform } } } }
    }`, { id: item.id, b: brand.id })
    t.notOk(res.errors, JSON.stringify(res.errors))
    t.match(res.data.contentItem, { title: 'Q', body: 'v2', revisions: { edges: [{ node: { revision: 2, changed: ['body', 'hashtags'], actor: { type: 'member', id: a.membershipId }, snapshot: { body: 'v2', hashtags: ['a', 'b'], targets: [{ platform: 'x' }] } } }], pageInfo: { hasNextPage: true } } })
    t.same(res.data.contentItems.edges.map((e: any) => e.node.id), [item.id])
    t.equal(res.data.contentItemRevision.snapshot.body, 'v1')
    t.same(res.data.contentItemRevisionDiff, { from: 1, to: 2, changes: [{ path: 'body', before: '"v1"', after: '"v2"' }, { path: 'hashtags', before: '["a"]', after: '["a","b"]' }] })
    t.same(res.data.calendar, { timeZone: 'Europe/Paris', days: [{ date: '2030-09-01', items: [] }, { date: '2030-09-02', items: [{ title: 'Q', targets: [{ platform: 'x' }] }] }] })
    // The nested revisions page continues from its cursor (the cursor holds the revision number).
    const page = async (after?: string) => (await gql(a, 'query($id: ID!, $after: String) { contentItem(id: $id) { revisions(first: 1, after: $after) { edges { node { revision } } pageInfo { hasNextPage endCursor } } } }', { id: item.id, after })).data.contentItem.revisions
    const first = await page()
    const second = await page(first.pageInfo.endCursor)
    t.same([first.edges.map((e: any) => e.node.revision), second.edges.map((e: any) => e.node.revision)], [[2], [1]], 'newest first, then the next page from its cursor')
    t.equal(second.pageInfo.hasNextPage, false)
    const bad = await gql(a, '{ calendar(brandId: "00000000-0000-4000-8000-000000000000", from: "2030-09-02", to: "2030-09-01") { timeZone } }')
    t.equal(bad.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.equal(bad.errors[0].extensions.errors[0].path, 'to')
  })

  t.test('tenants and roles', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, title: 'Mine' })
    const foreign = await gql(b, 'query($id: ID!) { contentItem(id: $id) { title } }', { id: item.id })
    t.equal(foreign.data.contentItem, null)
    t.equal(foreign.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    for (const m of ['updateContentItem(id: $id, input: { title: "Theirs" }) { id }', 'archiveContentItem(id: $id) { id }', 'deleteContentItem(id: $id)']) {
      const res = await gql(b, `mutation($id: ID!) { ${m} }`, { id: item.id })
      t.equal(res.errors[0].extensions.code, 'HERALD_NOT_FOUND', m)
    }
    t.match(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })), { title: 'Mine', status: 'draft', version: 1 })
    t.same((await gql(b, '{ contentItems { edges { node { id } } } }')).data.contentItems.edges, [])
    const analyst = await addMember(h, a, 'analyst')
    const forbidden = await gql(analyst, 'mutation($b: ID!) { createContentItem(input: { brandId: $b, title: "x", kind: post }) { id } }', { b: brand.id })
    t.equal(forbidden.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const creator = await addMember(h, a, 'creator')
    const noWindow = await gql(creator, 'mutation($b: ID!) { createBrandBlackout(brandId: $b, input: { startsAt: "2031-02-01T00:00:00Z", endsAt: "2031-02-02T00:00:00Z", reason: "x" }) { conflictingContentItemIds } }', { b: brand.id })
    t.equal(noWindow.errors[0].extensions.code, 'HERALD_FORBIDDEN')
  })

  t.test('listForCampaigns: a page per campaign in one statement (Campaign.contentItems)', async (t) => {
    const s = await signup(h, 'gql-camp')
    const br = await createBrand(h, s, 'Camp', 'UTC')
    const other = await createBrand(h, s, 'Other', 'UTC')
    const c1 = await campaign(h, s.orgId, br.id)
    const c2 = await campaign(h, s.orgId, br.id)
    const c3 = await campaign(h, s.orgId, other.id)
    for (const [c, brandId, n] of [[c1, br.id, 3], [c2, br.id, 1], [c3, other.id, 2]] as const) {
      for (let i = 0; i < n; i++) await createItem(h, s, { brandId, campaignId: c, title: `${n}-${i}` })
    }
    await createItem(h, s, { brandId: br.id, title: 'no campaign' })
    const before = h.queries.length
    const pages = await asOwner(h, s, async (ctx) => await h.app.contentItems.listForCampaigns(ctx, [c1, c2, c3], { limit: 2, sort: 'title' }))
    t.equal(h.queries.length - before, 1, 'one statement for three campaigns')
    t.same(pages.get(c1)!.data.map((i) => i.title), ['3-0', '3-1'])
    t.ok(pages.get(c1)!.nextCursor)
    t.same(pages.get(c2)!.data.map((i) => i.title), ['1-0'])
    t.same(pages.get(c3)!.data.map((i) => i.title), ['2-0', '2-1'])
    const next = await asOwner(h, s, async (ctx) => await h.app.contentItems.listForCampaigns(ctx, [c1], { limit: 2, sort: 'title', cursor: pages.get(c1)!.nextCursor! }))
    t.same(next.get(c1)!.data.map((i) => i.title), ['3-2'])
    const drafts = await asOwner(h, s, async (ctx) => await h.app.contentItems.listForCampaigns(ctx, [c1], { limit: 50, sort: '-createdAt', status: 'approved' }))
    t.same(drafts.get(c1)!.data, [], 'filters apply')
  })

  t.test('a nested page costs the same number of SQL statements for 2 items as for 20', async (t) => {
    const s = await signup(h, 'gql-count')
    const brands: Array<{ id: string }> = []
    for (let i = 0; i < 3; i++) brands.push(await createBrand(h, s, `C${i}`, 'UTC'))
    const accounts = await Promise.all(brands.map((br) => socialAccount(h, s.orgId, br.id, 'x')))
    const cost = async (query: string, variables?: object) => {
      const before = h.queries.length
      const res = await gql(s, query, variables)
      t.notOk(res.errors, JSON.stringify(res.errors))
      return { statements: h.queries.length - before, data: res.data }
    }
    // graphql-armor's cost limit grows with depth; this is about as deep as a client may go.
    const NESTED = `query($n: Int) { brands(first: 10) { edges { node {
      contentItems(first: $n) { edges { node { title targets { platform } } } } } } } }`
    const WINDOWS = '{ brands(first: 10) { edges { node { name blackouts { edges { node { reason } } } } } } }'
    const TOP = 'query($n: Int) { contentItems(first: $n) { edges { node { title targets { platform } brand { id } revisions { edges { node { revision snapshot { body } } } } } } } }'
    const make = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const br = i % 3
        const it = await createItem(h, s, { brandId: brands[br].id, title: `I${i}`, targets: [{ socialAccountId: accounts[br] }] })
        await h.inject({ method: 'PATCH', url: `/v1/content-items/${it.id}`, headers: bearer(s.token), payload: { body: 'edited' } })
      }
    }
    await make(2)
    const fewWindows = await cost(WINDOWS)
    const small = await cost(NESTED, { n: 20 })
    const smallTop = await cost(TOP, { n: 20 })
    t.equal(small.data.brands.edges.flatMap((e: any) => e.node.contentItems.edges).length, 2)
    await make(18)
    for (const br of brands) {
      for (let i = 0; i < 3; i++) await h.inject({ method: 'POST', url: `/v1/brands/${br.id}/blackouts`, headers: bearer(s.token), payload: { startsAt: `2032-0${i + 1}-01T00:00:00Z`, endsAt: `2032-0${i + 1}-02T00:00:00Z`, reason: `W${i}` } })
    }
    const manyWindows = await cost(WINDOWS)
    t.equal(manyWindows.data.brands.edges.flatMap((e: any) => e.node.blackouts.edges).length, 9)
    t.equal(manyWindows.statements, fewWindows.statements, `brands → blackouts: ${manyWindows.statements} statements`)
    const large = await cost(NESTED, { n: 20 })
    const largeTop = await cost(TOP, { n: 20 })
    const nodes = large.data.brands.edges.flatMap((e: any) => e.node.contentItems.edges.map((x: any) => x.node))
    t.equal(nodes.length, 20)
    t.ok(nodes.every((n: any) => n.targets.length === 1), 'every item has its target')
    t.ok(largeTop.data.contentItems.edges.every((e: any) => e.node.brand.id && e.node.revisions.edges.length === 2))
    t.equal(large.statements, small.statements, `brands → contentItems → targets: ${large.statements} statements for 2 items and for 20`)
    t.ok(large.statements <= 3, `bounded: ${large.statements}`)
    t.equal(largeTop.statements, smallTop.statements, `contentItems → targets, revisions, brand: ${largeTop.statements} statements`)
    t.equal(largeTop.data.contentItems.edges.length, 20)
  })
})
