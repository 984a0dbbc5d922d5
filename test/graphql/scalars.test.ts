import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { createCampaign } from '../factories-campaigns.js'

// DateTime and Date: ISO-8601 text on the wire both ways; a bad value is refused before any
// resolver runs, with a message saying what was expected and extensions.code HERALD_VALIDATION.

t.test('DateTime and Date scalars', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'scalars')
  const brand = await createBrand(h, owner, 'Scalars')
  await createCampaign(h, owner, brand.id, { startsOn: '2026-05-01', endsOn: '2026-05-31' })
  const gql = async (query: string, variables?: object) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(owner.token), payload: { query, variables } })
    return { status: res.statusCode, body: json(res) }
  }

  t.test('serialised as REST writes them', async (t) => {
    const res = await gql(`{ brand(id: "${brand.id}") { createdAt updatedAt campaigns { edges { node { startsOn endsOn createdAt } } } } }`)
    const rest = json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(owner.token) }))
    t.equal(res.body.data.brand.createdAt, rest.createdAt)
    t.match(res.body.data.brand.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    t.same(res.body.data.brand.campaigns.edges[0].node.startsOn, '2026-05-01')
    t.same(res.body.data.brand.campaigns.edges[0].node.endsOn, '2026-05-31')
  })

  t.test('introspection names the scalars on date fields and arguments', async (t) => {
    const res = await gql('{ __type(name: "Campaign") { fields { name type { name ofType { name } } } } q: __type(name: "Query") { fields { name args { name type { name } } } } }')
    const field = (n: string) => res.body.data.__type.fields.find((f: any) => f.name === n)
    t.equal(field('createdAt').type.ofType.name, 'DateTime')
    t.equal(field('startsOn').type.name, 'Date')
    const campaigns = res.body.data.q.fields.find((f: any) => f.name === 'campaigns')
    t.equal(campaigns.args.find((a: any) => a.name === 'startsOnFrom').type.name, 'Date')
    const items = res.body.data.q.fields.find((f: any) => f.name === 'contentItems')
    t.equal(items.args.find((a: any) => a.name === 'scheduledAtFrom').type.name, 'DateTime')
  })

  t.test('good values as literals and variables filter as in REST', async (t) => {
    const lit = await gql('{ campaigns(startsOnFrom: "2026-04-01", startsOnTo: "2026-05-01") { edges { node { startsOn } } } }')
    t.equal(lit.body.data.campaigns.edges.length, 1)
    const none = await gql('query($from: Date) { campaigns(startsOnFrom: $from) { edges { node { id } } } }', { from: '2026-05-02' })
    t.same(none.body.data.campaigns.edges, [])
    const dt = await gql('query($from: DateTime) { contentItems(scheduledAtFrom: $from) { edges { node { id } } } }', { from: '2026-05-01T09:30:00+02:00' })
    t.same(dt.body, { data: { contentItems: { edges: [] } } })
  })

  t.test('bad values are refused with a clear message and HERALD_VALIDATION', async (t) => {
    const cases: Array<[string, object | undefined, RegExp]> = [
      ['{ campaigns(startsOnFrom: "01/05/2026") { edges { cursor } } }', undefined, /Date must be a calendar date as YYYY-MM-DD/],
      ['{ campaigns(startsOnFrom: "2026-02-30") { edges { cursor } } }', undefined, /YYYY-MM-DD/],
      ['{ campaigns(startsOnFrom: 20260501) { edges { cursor } } }', undefined, /got 20260501/],
      ['query($d: Date) { campaigns(startsOnFrom: $d) { edges { cursor } } }', { d: '2026-05-01T00:00:00Z' }, /Date must be/],
      ['query($d: DateTime) { contentItems(scheduledAtFrom: $d) { edges { cursor } } }', { d: '2026-05-01' }, /DateTime must be an RFC 3339 date-time with Z or an offset/],
      ['query($d: DateTime) { contentItems(scheduledAtFrom: $d) { edges { cursor } } }', { d: '2026-05-01T10:00:00' }, /DateTime must be/],
      ['query($d: DateTime) { contentItems(scheduledAtFrom: $d) { edges { cursor } } }', { d: 1746091800000 }, /DateTime must be/],
      ['query($d: DateTime) { contentItems(scheduledAtFrom: $d) { edges { cursor } } }', { d: `2026-05-01T10:00:00${'0'.repeat(200)}Z` }, /DateTime must be/]
    ]
    for (const [query, variables, message] of cases) {
      const res = await gql(query, variables)
      t.equal(res.status, 400, query)
      t.equal(res.body.data, null)
      t.equal(res.body.errors[0].extensions.code, 'HERALD_VALIDATION', query)
      t.match(res.body.errors[0].message, message, query)
      t.ok(res.body.errors[0].message.length <= 2000, 'an oversized value is not echoed whole')
    }
  })

  t.test('a refusal names the argument or input field, as REST-schema refusals do', async (t) => {
    const cases: Array<[string, object | undefined, string]> = [
      ['{ campaigns(startsOnFrom: "soon") { edges { cursor } } }', undefined, 'startsOnFrom'],
      ['query($d: Date) { campaigns(first: 1, startsOnTo: $d) { edges { cursor } } }', { d: 'later' }, 'startsOnTo'],
      [`mutation { createCampaign(input: { brandId: "${brand.id}", name: "x", objective: awareness, startsOn: "1 May" }) { id } }`, undefined, 'startsOn'],
      ['mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }', { i: { brandId: brand.id, name: 'x', objective: 'awareness', endsOn: 'never' } }, 'endsOn'],
      ['mutation($id: ID!) { submitContentItem(id: $id, dueAt: "tomorrow") { id } }', { id: brand.id }, 'dueAt']
    ]
    for (const [query, variables, path] of cases) {
      const res = await gql(query, variables)
      t.equal(res.body.errors[0].extensions.code, 'HERALD_VALIDATION', query)
      t.same(res.body.errors[0].extensions.errors?.map((e: any) => e.path), [path], query)
    }
  })
})
