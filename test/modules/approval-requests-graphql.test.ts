import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey } from '../factories.js'
import { createItem, future } from '../factories-content.js'
import { decide, submitted, team } from '../factories-approval-requests.js'

// Approval requests over GraphQL: the same rules as REST, and nested edges that cost a fixed
// number of SQL statements however many items, requests and decisions a page holds.

t.test('approval requests over GraphQL', async (t) => {
  const h = await createTestApp(t)
  const tm = await team(h, 'gqlr')
  const other = await team(h, 'gqlr-other')
  const { owner, manager, client, creator } = tm
  const gql = async (s: { token: string }, query: string, variables?: object) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query, variables } })
    return json(res)
  }

  t.test('submit, read, decide', async (t) => {
    const item = await createItem(h, creator, { brandId: tm.brand.id, targets: [{ socialAccountId: tm.account }] })
    const due = future(2)
    const sub = await gql(creator, 'mutation($id: ID!, $due: DateTime) { submitContentItem(id: $id, dueAt: $due) { status approval { id status dueAt revision currentStep } } }', { id: item.id, due })
    t.notOk(sub.errors)
    t.match(sub.data.submitContentItem, { status: 'in_review', approval: { status: 'open', dueAt: due, revision: 1, currentStep: 0 } })
    const id = sub.data.submitContentItem.approval.id

    const read = await gql(owner, `query($id: ID!) { approvalRequest(id: $id) {
      id status overdue policyName brand { name } contentItem { id title targets { platform } }
      submittedBy { type id label }
      steps { index name mode clientStep status eligibleMemberIds eligibleApprovers { id email role } approvedBy { actor { id } } completedAt }
    } }`, { id })
    t.notOk(read.errors)
    t.match(read.data.approvalRequest, { id, status: 'open', overdue: false, brand: { name: 'gqlr brand' }, contentItem: { id: item.id, title: item.title, targets: [{ platform: 'x' }] }, submittedBy: { type: 'member', id: creator.membershipId, label: creator.email } })
    t.same(read.data.approvalRequest.steps[1], { index: 1, name: 'Client approval', mode: 'any', clientStep: true, status: 'pending', eligibleMemberIds: [client.membershipId], eligibleApprovers: [{ id: client.membershipId, email: client.email, role: 'client' }], approvedBy: [], completedAt: null })

    const decided = await gql(manager, `mutation($id: ID!, $input: DecideApprovalRequestInput!) {
      decideApprovalRequest(id: $id, input: $input, expectedVersion: 1) { decision { step stepName decision comment actor { type id } } request { status currentStep version decisions { decision } } }
    }`, { id, input: { decision: 'approve', comment: 'Fine' } })
    t.notOk(decided.errors)
    t.match(decided.data.decideApprovalRequest, { decision: { step: 0, stepName: 'Internal review', decision: 'approve', comment: 'Fine', actor: { type: 'member', id: manager.membershipId } }, request: { status: 'open', currentStep: 1, version: 2, decisions: [{ decision: 'approve' }] } })

    const asClient = await gql(client, 'query($id: ID!) { approvalRequest(id: $id) { submittedBy { label } steps { eligibleApprovers { id } } } }', { id })
    t.notOk(asClient.errors)
    t.same(asClient.data.approvalRequest, { submittedBy: { label: null }, steps: [{ eligibleApprovers: null }, { eligibleApprovers: null }] }, 'clients do not read members')

    const refusal = await gql(manager, 'mutation($id: ID!) { decideApprovalRequest(id: $id, input: { decision: approve }) { request { status } } }', { id })
    t.match(refusal.errors[0].extensions, { code: 'HERALD_CONFLICT', reason: 'step_completed' })
    const stale = await gql(client, 'mutation($id: ID!) { decideApprovalRequest(id: $id, input: { decision: approve }, expectedVersion: 1) { request { status } } }', { id })
    t.match(stale.errors[0].extensions, { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2 })
    const key = await createApiKey(h, owner, ['approvals:read', 'approvals:write'])
    const byKey = await gql({ token: key.secret }, 'mutation($id: ID!) { decideApprovalRequest(id: $id, input: { decision: approve }) { request { status } } }', { id })
    t.match(byKey.errors[0].extensions, { code: 'HERALD_USER_REQUIRED', reason: 'api_key' })
    const tooLong = await gql(client, 'mutation($id: ID!, $c: String) { decideApprovalRequest(id: $id, input: { decision: approve, comment: $c }) { request { status } } }', { id, c: 'x'.repeat(5001) })
    t.match(tooLong.errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'comment' }] })
    const done = await gql(client, 'mutation($id: ID!) { decideApprovalRequest(id: $id, input: { decision: approve }) { request { status } } }', { id })
    t.same(done.data.decideApprovalRequest.request, { status: 'approved' })
    t.equal((await h.sql('SELECT status FROM content_items WHERE id = $1', [item.id]))[0].status, 'approved')
  })

  t.test('lists with filters; other tenants and bad arguments', async (t) => {
    const mine = await submitted(h, tm)
    const theirs = await submitted(h, other)
    const res = await gql(owner, 'query($approver: ID) { approvalRequests(first: 10, status: open, approverId: $approver, sort: createdAt_desc) { edges { cursor node { id } } pageInfo { hasNextPage } } }', { approver: manager.membershipId })
    t.notOk(res.errors)
    t.same(res.data.approvalRequests.edges.map((e: any) => e.node.id), [mine.requestId])
    const zero = await gql(owner, '{ approvalRequests(first: 0) { edges { node { id } } pageInfo { hasNextPage } } }')
    t.same(zero.data.approvalRequests, { edges: [], pageInfo: { hasNextPage: true } })
    const overdue = await gql(owner, '{ approvalRequests(overdue: true) { edges { node { id } } } }')
    t.same(overdue.data.approvalRequests.edges, [])
    const foreign = await gql(owner, 'query($id: ID!) { approvalRequest(id: $id) { id } }', { id: theirs.requestId })
    t.equal(foreign.data.approvalRequest, null)
    t.equal(foreign.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    const foreignDecision = await gql(manager, 'mutation($id: ID!) { decideApprovalRequest(id: $id, input: { decision: reject }) { request { id } } }', { id: theirs.requestId })
    t.equal(foreignDecision.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    t.equal((await h.sql('SELECT status FROM approval_requests WHERE id = $1', [theirs.requestId]))[0].status, 'open')
    t.same((await gql(owner, 'query($i: ID) { approvalRequests(contentItemId: $i) { edges { node { id } } } }', { i: theirs.item.id })).data.approvalRequests.edges, [])
    const bad = await gql(owner, '{ approvalRequests(first: 500, step: -1) { edges { node { id } } } }')
    t.equal(bad.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.ok(bad.errors[0].extensions.errors.some((e: any) => e.path === 'first'))
    const badId = await gql(owner, '{ approvalRequest(id: "nope") { id } }')
    t.equal(badId.errors[0].extensions.code, 'HERALD_VALIDATION')
  })

  t.test('a page of items with their requests, decisions, approvers and content: a fixed number of statements', async (t) => {
    const s = await team(h, 'gqlr-count')
    const query = `{ contentItems(first: 50, brandId: "${s.brand.id}") { edges { node { id
      approval { status decisions { decision actor { id } } }
      approvalRequests(first: 5) { edges { node { id status brand { name } contentItem { id targets { platform } }
        decisions { stepName } steps { eligibleApprovers { email } approvedBy { decidedAt } } } } }
    } } } }`
    const count = async () => {
      const before = h.queries.length
      const res = await gql(s.owner, query)
      t.notOk(res.errors, JSON.stringify(res.errors))
      return { statements: h.queries.length - before, items: res.data.contentItems.edges.length, requests: res.data.contentItems.edges.reduce((n: number, e: any) => n + e.node.approvalRequests.edges.length, 0) }
    }
    const one = await submitted(h, s)
    await decide(h, s.manager, one.requestId, 'approve')
    const small = await count()
    for (let i = 0; i < 4; i++) {
      const more = await submitted(h, s)
      await decide(h, s.manager, more.requestId, 'request_changes')
      const [row] = await h.sql('SELECT id FROM content_items WHERE id = $1', [more.item.id])
      await h.inject({ method: 'POST', url: `/v1/content-items/${row.id}/submit`, headers: bearer(s.creator.token) })
    }
    const large = await count()
    t.equal(small.items, 1)
    t.equal(large.items, 5)
    t.equal(large.requests, 9, 'four items with two requests each, one with one')
    t.equal(large.statements, small.statements, `${large.statements} statements for 5 items and 9 requests, as for 1 and 1`)
    t.ok(large.statements <= 8, `bounded: ${large.statements} (ContentItem.approval reads its decisions in its own statement)`)

    // ContentItem.approval reads a request and its decisions in one statement (decisions as
    // JSON): it must read exactly as the request does from REST, timestamps to the millisecond.
    const fields = 'id status currentStep decisions { id requestId step stepName decision comment actor { type id label } createdAt } steps { index status approvedBy { actor { id } decidedAt } completedAt } updatedAt'
    const viaItem = await gql(s.owner, `{ contentItem(id: "${one.item.id}") { approval { ${fields} } } }`)
    t.notOk(viaItem.errors)
    const approval = viaItem.data.contentItem.approval
    const rest = json(await h.inject({ method: 'GET', url: `/v1/content-items/${one.item.id}/approval`, headers: bearer(s.owner.token) })).request
    t.ok(approval.decisions.length > 0)
    t.same(approval, {
      id: rest.id,
      status: rest.status,
      currentStep: rest.currentStep,
      decisions: rest.decisions,
      steps: rest.steps.map((st: any) => ({ index: st.index, status: st.status, approvedBy: st.approvedBy.map((a: any) => ({ actor: { id: a.actor.id }, decidedAt: a.decidedAt })), completedAt: st.completedAt })),
      updatedAt: rest.updatedAt
    }, 'ContentItem.approval agrees with GET /v1/content-items/{id}/approval')
  })

  t.test('campaigns carry approvalPolicyId and approvalPolicy', async (t) => {
    const created = await gql(owner, 'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id approvalPolicyId approvalPolicy { id name } } }', {
      input: { brandId: tm.brand.id, name: 'GQL campaign', objective: 'awareness', approvalPolicyId: tm.policyId }
    })
    t.notOk(created.errors)
    t.match(created.data.createCampaign, { approvalPolicyId: tm.policyId, approvalPolicy: { id: tm.policyId } })
    const cleared = await gql(owner, 'mutation($id: ID!) { updateCampaign(id: $id, input: { approvalPolicyId: null }) { approvalPolicyId approvalPolicy { id } } }', { id: created.data.createCampaign.id })
    t.same(cleared.data.updateCampaign, { approvalPolicyId: null, approvalPolicy: null })
    const foreign = await gql(owner, 'mutation($id: ID!, $p: ID) { updateCampaign(id: $id, input: { approvalPolicyId: $p }) { id } }', { id: created.data.createCampaign.id, p: other.policyId })
    t.match(foreign.errors[0].extensions, { code: 'HERALD_NOT_FOUND', errors: [{ path: 'approvalPolicyId' }] })
  })
})
