import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createBrand, signup, type Session } from '../factories.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'

const NESTED = `{ brands { edges { node {
  campaigns { edges { node { channels { handle } owner { email } } } }
  socialAccounts { edges { node { handle } } }
} } } }`

async function gql (h: TestApp, token: string, query: string, variables?: object) {
  const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query, variables } })
  return { status: res.statusCode, body: json(res) }
}

/** brands × campaigns per brand, each campaign on `channels` accounts of its brand. */
async function seed (h: TestApp, s: Session, brands: number, campaigns: number, channels: number) {
  for (let i = 0; i < brands; i++) {
    const brand = await createBrand(h, s)
    const accounts = []
    for (let j = 0; j < channels; j++) accounts.push(await createSocialAccount(h, s, brand.id))
    for (let j = 0; j < campaigns; j++) await createCampaign(h, s, brand.id, { channelIds: accounts.map((a) => a.id) })
  }
}

t.test('campaigns and social accounts over GraphQL', async (t) => {
  const h = await createTestApp(t)

  t.test('a nested query costs the same number of SQL statements whatever the row counts', async (t) => {
    const small = await signup(h, 'gq-small')
    const large = await signup(h, 'gq-large')
    await seed(h, small, 1, 1, 1)
    await seed(h, large, 3, 5, 2)
    const run = async (s: Session) => {
      const before = h.queries.length
      const res = await gql(h, s.token, NESTED)
      t.notOk(res.body.errors, JSON.stringify(res.body.errors))
      return { statements: h.queries.slice(before), data: res.body.data }
    }
    const one = await run(small)
    const many = await run(large)
    const brands = many.data.brands.edges
    t.equal(brands.length, 3)
    for (const b of brands) {
      t.equal(b.node.campaigns.edges.length, 5)
      t.equal(b.node.socialAccounts.edges.length, 2)
      for (const c of b.node.campaigns.edges) {
        t.equal(c.node.channels.length, 2)
        t.equal(c.node.owner.email, large.email)
      }
    }
    t.equal(one.data.brands.edges[0].node.campaigns.edges[0].node.channels.length, 1)
    t.equal(many.statements.length, one.statements.length, `1×1×1 and 3×5×2 both take ${one.statements.length} statements`)
    // brands, campaigns (their channel ids in the same statement), channels' accounts, owners, social accounts
    t.ok(one.statements.length <= 5, `bounded: ${one.statements.length} statements`)
  })

  t.test('the cost limit admits realistic nested queries and refuses abusive ones before any SQL', async (t) => {
    const s = await signup(h, 'gq-cost')
    await seed(h, s, 1, 1, 1)
    const realistic = [
      NESTED,
      '{ brands(first: 50) { edges { node { name campaigns(first: 50) { edges { node { name status channels { handle } } } } } } } }',
      `{ campaigns(first: 200) { edges { node { id name status startsOn endsOn tags budget { amountMinor currency }
          kpiTargets { metric target window } channels { id handle platform } owner { email } brand { name } } } } }`,
      'query($n: Int) { campaigns(first: $n) { edges { node { name channels { handle } } } } }'
    ]
    for (const query of realistic) {
      const res = await gql(h, s.token, query, { n: 200 })
      t.equal(res.status, 200, query.slice(0, 60))
      t.notOk(res.body.errors, JSON.stringify(res.body.errors))
    }
    const abusive = [
      '{ brands(first: 200) { edges { node { campaigns(first: 200) { edges { node { name channels { handle } } } } } } } }',
      // Without `first` every connection still counts at its default page of 50.
      '{ brands { edges { node { campaigns { edges { node { channels { brand { socialAccounts { edges { node { handle } } } } } } } } } } } }',
      // A variable page size counts at the maximum, 200.
      'query($n: Int) { brands(first: $n) { edges { node { campaigns(first: $n) { edges { node { name channels { handle } } } } } } } }',
      // And so does a connection inside a fragment.
      'query { brands(first: 200) { edges { node { ...C } } } } fragment C on Brand { campaigns(first: 200) { edges { node { name channels { handle } } } } }'
    ]
    for (const query of abusive) {
      const before = h.queries.length
      const res = await gql(h, s.token, query, query.includes('$n') ? { n: 200 } : undefined)
      t.equal(res.status, 400, query.slice(0, 60))
      t.equal(res.body.errors?.[0]?.extensions?.code, 'HERALD_QUERY_LIMIT')
      t.match(res.body.errors?.[0]?.message, /Cost limit/)
      t.equal(h.queries.length, before, 'refused without running SQL')
    }
  })
  t.test('queries: one, many with filters, nested edges; ungranted and foreign ids', async (t) => {
    const s = await signup(h, 'gq-read')
    const other = await signup(h, 'gq-other')
    const brand = await createBrand(h, s, 'Lumen')
    const hidden = await createBrand(h, s, 'Hidden')
    const x = await createSocialAccount(h, s, brand.id, { platform: 'x', displayName: 'Lumen on X' })
    await createSocialAccount(h, s, brand.id, { platform: 'bluesky' })
    const c = await createCampaign(h, s, brand.id, { name: 'Spring', channelIds: [x.id], tags: ['q2'], budget: { amountMinor: 12345678901, currency: 'JPY' }, kpiTargets: [{ metric: 'ctr', target: 0.02, window: 'P7D' }], startsOn: '2025-04-01' })
    await createCampaign(h, s, hidden.id, { name: 'Secret' })
    const theirs = await createCampaign(h, other, (await createBrand(h, other)).id)

    const one = await gql(h, s.token, `query($id: ID!) { campaign(id: $id) {
      id name status objective startsOn endsOn tags ownerId version
      budget { amountMinor currency } kpiTargets { metric target window }
      channels { id handle platform displayName brand { name } } owner { email role } brand { id name }
    } }`, { id: c.id })
    t.notOk(one.body.errors)
    t.match(one.body.data.campaign, {
      id: c.id,
      name: 'Spring',
      status: 'draft',
      objective: 'awareness',
      startsOn: '2025-04-01',
      endsOn: null,
      tags: ['q2'],
      version: 1,
      budget: { amountMinor: 12345678901, currency: 'JPY' },
      kpiTargets: [{ metric: 'ctr', target: 0.02, window: 'P7D' }],
      channels: [{ id: x.id, platform: 'x', displayName: 'Lumen on X', brand: { name: 'Lumen' } }],
      owner: { email: s.email, role: 'owner' },
      brand: { id: brand.id, name: 'Lumen' }
    })
    const filtered = await gql(h, s.token, 'query($b: ID) { campaigns(brandId: $b, status: draft, tag: "q2", startsOnFrom: "2025-01-01", sort: startsOn_asc) { edges { node { name } } pageInfo { hasNextPage } } }', { b: brand.id })
    t.same(filtered.body.data.campaigns.edges.map((e: any) => e.node.name), ['Spring'])
    const accounts = await gql(h, s.token, 'query($b: ID) { socialAccounts(brandId: $b, platform: bluesky) { edges { node { platform handle } } } }', { b: brand.id })
    t.same(accounts.body.data.socialAccounts.edges.map((e: any) => e.node.platform), ['bluesky'])
    const account = await gql(h, s.token, 'query($id: ID!) { socialAccount(id: $id) { handle brand { name } } }', { id: x.id })
    t.match(account.body.data.socialAccount, { handle: x.handle, brand: { name: 'Lumen' } })
    const perBrand = await gql(h, s.token, `query($id: ID!) { brand(id: $id) {
      campaigns(first: 1, status: draft) { edges { node { name } } pageInfo { hasNextPage } }
      socialAccounts(platform: x) { edges { node { handle } } }
    } }`, { id: brand.id })
    t.same(perBrand.body.data.brand.campaigns.edges.map((e: any) => e.node.name), ['Spring'])
    t.same(perBrand.body.data.brand.socialAccounts.edges.map((e: any) => e.node.handle), [x.handle])

    const foreign = await gql(h, s.token, 'query($id: ID!) { campaign(id: $id) { name } }', { id: theirs.id })
    t.equal(foreign.body.data.campaign, null)
    t.equal(foreign.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    const badId = await gql(h, s.token, '{ campaign(id: "nope") { name } }')
    t.equal(badId.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    const badFilter = await gql(h, s.token, '{ campaigns(startsOnFrom: "soon") { edges { node { name } } } }')
    t.equal(badFilter.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.equal(badFilter.body.errors[0].extensions.errors[0].path, 'startsOnFrom')

    // A client sees only granted brands, and owners only with members:read (clients lack it).
    const client = await addMember(h, s, 'client', [brand.id])
    const seen = await gql(h, client.token, '{ brands { edges { node { name campaigns { edges { node { name owner { email } } } } } } } campaigns { edges { node { name } } } }')
    t.notOk(seen.body.errors)
    t.same(seen.body.data.brands.edges.map((e: any) => e.node.name), ['Lumen'])
    t.same(seen.body.data.brands.edges[0].node.campaigns.edges.map((e: any) => e.node), [{ name: 'Spring', owner: null }])
    t.same(seen.body.data.campaigns.edges.map((e: any) => e.node.name), ['Spring'])
  })

  t.test('mutations share the REST rules: validation paths, transitions, versions, roles, tenants', async (t) => {
    const s = await signup(h, 'gq-write')
    const other = await signup(h, 'gq-write-other')
    const brand = await createBrand(h, s, 'Lumen')
    const theirBrand = await createBrand(h, other)

    const made = await gql(h, s.token, 'mutation($b: ID!) { createSocialAccount(input: { brandId: $b, platform: instagram, handle: "@lumen.cafe", displayName: "Lumen" }) { id handle displayName version } }', { b: brand.id })
    t.match(made.body.data.createSocialAccount, { handle: 'lumen.cafe', displayName: 'Lumen', version: 1 })
    const accountId = made.body.data.createSocialAccount.id
    const cleared = await gql(h, s.token, 'mutation($id: ID!) { updateSocialAccount(id: $id, input: { displayName: null }, expectedVersion: 1) { displayName version } }', { id: accountId })
    t.match(cleared.body.data.updateSocialAccount, { displayName: null, version: 2 }, 'an explicit null clears')
    const dup = await gql(h, s.token, 'mutation($b: ID!) { createSocialAccount(input: { brandId: $b, platform: instagram, handle: "LUMEN.CAFE" }) { id } }', { b: brand.id })
    t.equal(dup.body.errors[0].extensions.code, 'HERALD_DUPLICATE')
    const badHandle = await gql(h, s.token, 'mutation($b: ID!) { createSocialAccount(input: { brandId: $b, platform: x, handle: "no spaces please" }) { id } }', { b: brand.id })
    t.equal(badHandle.body.errors[0].extensions.errors[0].path, 'handle')

    const created = await gql(h, s.token, `mutation($b: ID!, $a: ID!) { createCampaign(input: {
      brandId: $b, name: "Launch", objective: sales, channelIds: [$a], budget: { amountMinor: 1000, currency: "usd" },
      kpiTargets: [{ metric: "revenue", target: 50000 }], tags: ["a", "a", "b"]
    }) { id status budget { currency } tags channels { handle } owner { email } } }`, { b: brand.id, a: accountId })
    t.notOk(created.body.errors, JSON.stringify(created.body.errors))
    t.match(created.body.data.createCampaign, { status: 'draft', budget: { currency: 'USD' }, tags: ['a', 'b'], channels: [{ handle: 'lumen.cafe' }], owner: { email: s.email } })
    const id = created.body.data.createCampaign.id

    const invalid = await gql(h, s.token, `mutation($b: ID!) { createCampaign(input: {
      brandId: $b, name: "x", objective: sales, startsOn: "2025-05-02", endsOn: "2025-05-01", kpiTargets: [{ metric: "vibes", target: 1 }]
    }) { id } }`, { b: brand.id })
    t.equal(invalid.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.ok(invalid.body.errors[0].extensions.errors.some((e: any) => e.path === 'kpiTargets/0/metric'))
    const backwards = await gql(h, s.token, 'mutation($b: ID!) { createCampaign(input: { brandId: $b, name: "x", objective: sales, startsOn: "2025-05-02", endsOn: "2025-05-01" }) { id } }', { b: brand.id })
    t.equal(backwards.body.errors[0].extensions.errors[0].path, 'endsOn')
    const fractional = await gql(h, s.token, 'mutation($b: ID!) { createCampaign(input: { brandId: $b, name: "x", objective: sales, budget: { amountMinor: 1.5, currency: "EUR" } }) { id } }', { b: brand.id })
    t.equal(fractional.body.errors[0].extensions.errors[0].path, 'budget/amountMinor', 'amountMinor is a Float on the wire but must be an integer')
    const foreignBrand = await gql(h, s.token, 'mutation($b: ID!) { createCampaign(input: { brandId: $b, name: "x", objective: sales }) { id } }', { b: theirBrand.id })
    t.equal(foreignBrand.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')

    const illegal = await gql(h, s.token, 'mutation($id: ID!) { updateCampaign(id: $id, input: { status: completed }) { status } }', { id })
    t.equal(illegal.body.errors[0].extensions.code, 'HERALD_ILLEGAL_TRANSITION')
    t.match(illegal.body.errors[0].message, /can become planned, archived/)
    const stale = await gql(h, s.token, 'mutation($id: ID!) { updateCampaign(id: $id, input: { status: planned }, expectedVersion: 9) { status } }', { id })
    t.equal(stale.body.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const planned = await gql(h, s.token, 'mutation($id: ID!) { updateCampaign(id: $id, input: { status: planned, name: "Launch 2", budget: null }, expectedVersion: 1) { status name budget { currency } version } }', { id })
    t.same(planned.body.data.updateCampaign, { status: 'planned', name: 'Launch 2', budget: null, version: 2 })
    const types = (await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [id])).map((r) => r.type)
    t.same(types, ['campaign.created', 'campaign.updated', 'campaign.status_changed'])

    const notDraft = await gql(h, s.token, 'mutation($id: ID!) { deleteCampaign(id: $id) }', { id })
    t.equal(notDraft.body.errors[0].extensions.code, 'HERALD_CONFLICT')
    const creator = await addMember(h, s, 'creator')
    const forbidden = await gql(h, creator.token, 'mutation($b: ID!) { createCampaign(input: { brandId: $b, name: "x", objective: sales }) { id } }', { b: brand.id })
    t.equal(forbidden.body.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const forbiddenAccount = await gql(h, creator.token, 'mutation($id: ID!) { deleteSocialAccount(id: $id) }', { id: accountId })
    t.equal(forbiddenAccount.body.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const foreign = await gql(h, other.token, 'mutation($id: ID!) { updateCampaign(id: $id, input: { name: "Mine" }) { id } }', { id })
    t.equal(foreign.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')

    const draft = await gql(h, s.token, 'mutation($b: ID!) { createCampaign(input: { brandId: $b, name: "Scrap", objective: leads }) { id } }', { b: brand.id })
    const draftId = draft.body.data.createCampaign.id
    const deleted = await gql(h, s.token, 'mutation($id: ID!) { deleteCampaign(id: $id, expectedVersion: 1) }', { id: draftId })
    t.equal(deleted.body.data.deleteCampaign, draftId)
    const gone = await gql(h, s.token, 'mutation($id: ID!) { deleteSocialAccount(id: $id) }', { id: accountId })
    t.equal(gone.body.data.deleteSocialAccount, accountId)
    const after = await gql(h, s.token, 'query($id: ID!) { campaign(id: $id) { channelIds version } }', { id })
    t.same(after.body.data.campaign, { channelIds: [], version: 3 }, 'the deleted account left the campaign')
  })
})
