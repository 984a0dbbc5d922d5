import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { createBrand, signup, type Session } from '../factories.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'

// Issue 3's nested query — brand → campaigns → contentItems → targets → socialAccount — costs
// the same number of SQL statements for 10 campaigns × 20 items as for 1 × 1: every edge is
// one batched statement, whatever the number of rows.
const QUERY = `query($id: ID!) {
  brand(id: $id) {
    name
    campaigns(first: 10) { edges { node {
      name status
      contentItems(first: 20) { edges { node {
        title status
        targets { platform body socialAccount { handle platform } }
        revisions(first: 1) { edges { node { revision changed } } }
      } } }
    } } }
  }
}`

async function world (h: TestApp, s: Session, campaigns: number, items: number) {
  const brand = await createBrand(h, s, `Nested ${campaigns}x${items}`, 'UTC')
  const x = await createSocialAccount(h, s, brand.id, { platform: 'x' })
  const li = await createSocialAccount(h, s, brand.id, { platform: 'linkedin' })
  for (let c = 0; c < campaigns; c++) {
    const campaign = await createCampaign(h, s, brand.id, { name: `Campaign ${c}` })
    const rows = Array.from({ length: items }, (_, i) => ({
      brandId: brand.id,
      campaignId: campaign.id,
      title: `Post ${c}.${i}`,
      kind: 'post',
      body: `Post ${i} of campaign ${c}`,
      targets: [{ socialAccountId: x.id }, { socialAccountId: li.id, body: `LinkedIn version of post ${i}` }]
    }))
    const res = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: bearer(s.token), payload: { items: rows } })
    if (res.statusCode !== 201) throw new Error(`bulk failed: ${res.body}`)
  }
  return brand.id
}

t.test('a nested GraphQL query costs a bounded number of SQL statements', async (t) => {
  const h = await createTestApp(t)
  const s = await signup(h, 'nested')
  const small = await world(h, s, 1, 1)
  const large = await world(h, s, 10, 20)

  const run = async (id: string) => {
    const before = h.queries.length
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query: QUERY, variables: { id } } })
    const body = json(res)
    t.notOk(body.errors, JSON.stringify(body.errors))
    return { statements: h.queries.length - before, brand: body.data.brand }
  }
  const one = await run(small)
  const many = await run(large)

  t.equal(many.brand.campaigns.edges.length, 10)
  const items = many.brand.campaigns.edges.flatMap((c: any) => c.node.contentItems.edges)
  t.equal(items.length, 200, '10 campaigns × 20 items')
  t.ok(items.every((i: any) => i.node.targets.length === 2 && i.node.targets.every((x: any) => x.socialAccount.handle)), 'every target with its account')
  t.ok(items.every((i: any) => i.node.revisions.edges.length === 1), 'and its latest revision')
  t.equal(many.statements, one.statements, `${many.statements} statements for 200 items, as for 1`)
  t.ok(many.statements <= 10, `a handful of statements (${many.statements})`)
})
