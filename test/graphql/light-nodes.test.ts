import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'
import { campaign, createItem, socialAccount } from '../factories-content.js'
import { CLIENT_ONLY, submittedItem, usePolicy } from '../factories-review.js'

// A nested page of content items whose query reads only small fields (title, status, the
// loaders' keys…) reads only those columns; one that reads the content (body, media…) reads the
// whole row. What the caller sees must not depend on which: the same values either way.

t.test('a nested page reads the item columns its query asks for, and answers the same', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'light')
  const brand = await createBrand(h, a)
  const x = await socialAccount(h, a.orgId, brand.id)
  const camp = await campaign(h, a.orgId, brand.id)
  for (let i = 0; i < 3; i++) {
    await createItem(h, a, { brandId: brand.id, campaignId: camp, title: `Light ${i}`, body: `The body of ${i}`, hashtags: ['herald'], targets: [{ socialAccountId: x }] })
  }
  const statementsOf = async (query: string) => {
    const before = h.roundTrips.length
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query } })
    const body = json(res)
    t.notOk(body.errors, JSON.stringify(body.errors))
    const items = h.roundTrips.slice(before).flat().find((s) => /from "content_items"/.test(s)) ?? ''
    return { data: body.data, items }
  }
  const small = 'id title status kind version revision createdAt updatedAt scheduledAt brandId campaignId brand { id } targets { socialAccountId }'
  const light = await statementsOf(`{ campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { ${small} } } } } } } }`)
  t.notMatch(light.items, /"body"/, 'a query for small fields does not read the bodies')
  t.notMatch(light.items, /"media"/, 'nor the media')
  const full = await statementsOf(`{ campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { ${small} body hashtags } } } } } } }`)
  t.match(full.items, /"body"/, 'a query for the body reads it')

  const nodes = (data: any) => data.campaigns.edges.flatMap((c: any) => c.node.contentItems.edges.map((e: any) => e.node))
  const lightNodes = nodes(light.data)
  const fullNodes = nodes(full.data)
  t.equal(lightNodes.length, 3)
  t.same(lightNodes, fullNodes.map(({ body: _b, hashtags: _h, ...rest }: any) => rest), 'the same values for the fields both asked')
  t.same(fullNodes.map((n: any) => n.body).sort(), ['The body of 0', 'The body of 1', 'The body of 2'])
  t.same(fullNodes[0].hashtags, ['herald'])
  t.same(lightNodes[0].targets, [{ socialAccountId: x }], 'loaders keyed on the item still answer')

  // A field asked through a fragment counts: the fragment's body is read.
  const viaFragment = await statementsOf('fragment F on ContentItem { body } { campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { title ...F } } } } } } }')
  t.match(viaFragment.items, /"body"/, 'a field inside a fragment is seen')
  t.ok(nodes(viaFragment.data).every((n: any) => n.body.startsWith('The body of')))
  const viaInline = await statementsOf('{ campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { title ... on ContentItem { media { url } } } } } } } } }')
  t.match(viaInline.items, /"media"/, 'and inside an inline fragment')

  // Of the light columns, only those the fields read (the id, and the sort's column for the
  // cursors): a page of titles carries no brand, campaign or timestamps it does not show.
  const titles = await statementsOf('{ campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { title approval { status } } } } } } } }')
  const selected = (statement: string) => statement.split(' from ')[0]
  t.equal(selected(titles.items), 'select "per_parent"."created_at", "per_parent"."id", "per_parent"."title", "herald_rn", "herald_parent"', 'a query for titles reads no other item column than the id and the sort\'s')
  t.same(nodes(titles.data).map((n: any) => n.title), fullNodes.map((n: any) => n.title), 'the same titles, in the same order')
  const times = await statementsOf('{ campaigns(first: 5) { edges { node { contentItems(first: 10) { edges { node { updatedAt brand { id } } } } } } } }')
  t.match(selected(times.items), /"updated_at"/)
  t.match(selected(times.items), /"brand_id"/, 'a field read through a loader reads its key (brand → brand_id)')
  t.same(nodes(times.data), fullNodes.map((n: any) => ({ updatedAt: n.updatedAt, brand: n.brand })), 'and answers as the whole row does')

  // A page read with only the sort's column pages on from its cursor as a whole-row page does.
  const pageOf = async (fields: string, after?: string) => (await statementsOf(`{ campaigns(first: 5) { edges { node { contentItems(first: 2, sort: title_desc${after ? `, after: "${after}"` : ''}) { pageInfo { endCursor hasNextPage } edges { node { ${fields} } } } } } } }`)).data.campaigns.edges[0].node.contentItems
  const first = await pageOf('title')
  t.equal(first.pageInfo.hasNextPage, true)
  const next = await pageOf('title', first.pageInfo.endCursor)
  const nextFull = await pageOf('title body', (await pageOf('title body')).pageInfo.endCursor)
  t.same(next.edges.map((e: any) => e.node.title), ['Light 0'], 'the next page by title')
  t.same(next.edges.map((e: any) => e.node.title), nextFull.edges.map((e: any) => e.node.title), 'as a whole-row page continues')
})

t.test("an item's approval reads the request columns and decisions its query asks for, and answers the same", async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'light-approval')
  const brand = await createBrand(h, a)
  await usePolicy(h, a, brand.id, CLIENT_ONLY)
  // (The client first: a request's approvers are those who could decide when it was submitted.)
  const client = await addMember(h, a, 'client', [brand.id])
  const { item, requestId } = await submittedItem(h, a, brand.id)
  const decided = await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: bearer(client.token), payload: { decision: 'request_changes', comment: 'Warmer, please' } })
  t.equal(decided.statusCode, 201, decided.body)

  const ask = async (fields: string) => {
    const before = h.roundTrips.length
    const body = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: `{ contentItem(id: "${item.id}") { approval { ${fields} } } }` } }))
    t.notOk(body.errors, JSON.stringify(body.errors))
    const statement = h.roundTrips.slice(before).flat().find((s) => /from "approval_requests"/.test(s)) ?? ''
    return { approval: body.data.contentItem.approval, statement }
  }
  const status = await ask('id status currentStep')
  t.notMatch(status.statement, /approval_decisions/, 'a query for the status does not aggregate the decisions')
  t.notMatch(status.statement, /"created_at", "updated_at"|"submitted_by_label"/, 'nor read the actor and timestamps')
  const decisions = await ask('status decisions { decision comment stepName createdAt } steps { status }')
  t.match(decisions.statement, /approval_decisions/, 'a query for the decisions reads them')
  t.notMatch(decisions.statement, /"submitted_by_label"/, 'still without the actor')
  const everything = 'id status currentStep decisions { decision comment stepName createdAt } steps { status approvedBy { decidedAt } } dueAt overdue submittedBy { type id } closedAt createdAt updatedAt version'
  const full = await ask(everything)
  t.match(full.statement, /"submitted_by_label"/, 'a query for the actor reads the whole request')
  const viaFragment = await ask('status ... on ApprovalRequest { createdAt }')
  t.match(viaFragment.statement, /"created_at", "updated_at"/, 'a field inside a fragment is seen')
  t.equal(viaFragment.approval.createdAt, full.approval.createdAt)
  t.same(status.approval, { id: full.approval.id, status: full.approval.status, currentStep: full.approval.currentStep }, 'the same values either way')
  t.same(decisions.approval.decisions, full.approval.decisions)
  t.same(decisions.approval.decisions.map((d: any) => d.comment), ['Warmer, please'])
  t.same(decisions.approval.steps, full.approval.steps.map((s: any) => ({ status: s.status })))
  // Of the light columns, only those its fields read; decisions without their comment and actor
  // when those are not asked (brief), and the steps only for a step name or a comment.
  const brief = await ask('status decisions { decision createdAt }')
  t.notMatch(brief.statement, /"steps"|"policy_name"|"due_at"|"revision"/, 'a query for the status and decisions reads no other request column')
  t.notMatch(brief.statement, /actor_label|d\.comment/, 'nor the decisions\' actors and comments')
  t.same(brief.approval, { status: full.approval.status, decisions: full.approval.decisions.map((d: any) => ({ decision: d.decision, createdAt: d.createdAt })) }, 'and answers as the whole request does')
  // A brief decision's time is written by PostgreSQL (to_char), a whole one's by Node from the
  // timestamp: the same text.
  await h.sql("UPDATE approval_decisions SET created_at = '2026-03-04 05:06:07.012+00' WHERE request_id = $1", [requestId])
  t.same((await ask('decisions { createdAt }')).approval.decisions, [{ createdAt: '2026-03-04T05:06:07.012Z' }], 'brief')
  t.same((await ask('decisions { createdAt actor { type } }')).approval.decisions, [{ createdAt: '2026-03-04T05:06:07.012Z', actor: { type: 'member' } }], 'whole')
  const named = await ask('decisions { stepName comment }')
  t.match(named.statement, /"steps"/, 'a step name or a comment reads the steps')
  t.same(named.approval.decisions, full.approval.decisions.map((d: any) => ({ stepName: d.stepName, comment: d.comment })))
  const actors = await ask('decisions { actor { type id } }')
  t.match(actors.statement, /actor_label/, 'an actor reads the whole decisions')
  t.same(actors.approval.decisions.map((d: any) => d.actor.type), ['member'])
  const overdue = await ask('overdue dueAt')
  t.same(overdue.approval, { overdue: full.approval.overdue, dueAt: full.approval.dueAt }, 'overdue from the status and due date alone')

  // Past 32 variants a new one reads the light request whole (approval-requests.repository.ts
  // latestFor): forty column sets, each answered as the whole request answers.
  const scalars = ['revision', 'policyId', 'policyName', 'status', 'currentStep', 'dueAt', 'version']
  const wholeLight = await ask(scalars.join(' '))
  let wrong = 0
  for (let mask = 1; mask <= 40; mask++) {
    const fields = scalars.filter((_, i) => (mask >> i) & 1)
    const got = await ask(fields.join(' '))
    if (JSON.stringify(got.approval) !== JSON.stringify(Object.fromEntries(fields.map((f) => [f, wholeLight.approval[f]])))) wrong++
  }
  t.equal(wrong, 0, 'forty column sets, past the variants kept, each answer as the whole light request')
  const late = await ask('policyName version')
  t.match(late.statement, /"policy_name"/, 'a set asked after the variants ran out still reads what it needs')
  t.match(late.statement, /"steps"/, 'as the whole light request (the fallback)')
  t.same(late.approval, { policyName: wholeLight.approval.policyName, version: wholeLight.approval.version })

  const rest = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/approval`, headers: bearer(a.token) })).request
  t.match(full.approval, { status: rest.status, createdAt: rest.createdAt, updatedAt: rest.updatedAt, submittedBy: { type: rest.submittedBy.type, id: rest.submittedBy.id } }, 'and the whole request is what REST answers')
})
