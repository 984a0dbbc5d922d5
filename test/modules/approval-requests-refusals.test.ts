import t from 'tap'
import { randomUUID } from 'node:crypto'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createPolicy } from '../factories-approvals.js'
import { createItem, future, socialAccount } from '../factories-content.js'
import { asActor, decide, getRequest, guest, itemStatus, requestRow, submit, submitted, team } from '../factories-approval-requests.js'

// Every refusal of a decision, with its code and reason; who sees which requests; bad input;
// other tenants; If-Match and Idempotency-Key; the decide interface guest review uses.

t.test('approval requests: refusals, visibility, bad input', async (t) => {
  const h = await createTestApp(t)
  const tm = await team(h, 'ref')
  const other = await team(h, 'ref-other')
  const { owner, manager, manager2, creator, client } = tm
  const refused = (t: any, res: any, status: number, code: string, reason: string, what: string) => {
    t.equal(res.statusCode, status, `${what}: ${status}`)
    t.match(json(res), { code, reason }, `${what}: ${code} ${reason}`)
  }
  const decisionsOf = async (id: string) => (await h.sql('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1', [id]))[0].n

  t.test('every refusal says why; nothing is written', async (t) => {
    const { item, requestId } = await submitted(h, tm)
    const analyst = await addMember(h, owner, 'analyst')
    const key = await createApiKey(h, owner, ['approvals:read', 'approvals:write', 'content:read', 'content:write'])
    refused(t, await decide(h, { token: key.secret }, requestId, 'approve'), 403, 'HERALD_USER_REQUIRED', 'api_key', 'an API key, even with every approvals scope')
    refused(t, await decide(h, creator, requestId, 'approve'), 403, 'HERALD_FORBIDDEN', 'own_content', 'the author')
    refused(t, await decide(h, analyst, requestId, 'approve'), 403, 'HERALD_FORBIDDEN', 'not_an_approver', 'a role the step does not name')
    refused(t, await decide(h, client, requestId, 'approve'), 403, 'HERALD_FORBIDDEN', 'not_an_approver', 'the client at the internal step')
    refused(t, await decide(h, owner, requestId, 'reject'), 403, 'HERALD_FORBIDDEN', 'not_an_approver', 'the owner is no manager for this policy')
    t.equal(await decisionsOf(requestId), 0)
    t.equal(await itemStatus(h, item.id), 'in_review')

    t.equal((await decide(h, manager, requestId, 'approve')).statusCode, 201)
    const late = await decide(h, manager2, requestId, 'approve')
    refused(t, late, 409, 'HERALD_CONFLICT', 'step_completed', 'the second manager of an any step, once the first approved')
    t.match(json(late).detail, /"Internal review" is already complete/)
    refused(t, await decide(h, manager, requestId, 'approve'), 409, 'HERALD_CONFLICT', 'step_completed', 'the first manager again')
    t.equal((await decide(h, client, requestId, 'approve')).statusCode, 201)
    refused(t, await decide(h, client, requestId, 'approve'), 409, 'HERALD_CONFLICT', 'request_closed', 'an approved request')
    refused(t, await decide(h, manager, requestId, 'reject'), 409, 'HERALD_CONFLICT', 'request_closed', 'a reject after approval')
    t.equal(await decisionsOf(requestId), 2)
  })

  t.test('the author never decides, whatever their role; a demoted approver no longer does', async (t) => {
    const { requestId } = await submitted(h, tm, manager)
    const req = json(await getRequest(h, owner, requestId))
    t.same(req.steps[0].eligibleMemberIds, [manager2.membershipId], 'the author is not among the frozen approvers')
    refused(t, await decide(h, manager, requestId, 'approve'), 403, 'HERALD_FORBIDDEN', 'own_content', 'a manager on their own post')

    const temp = await addMember(h, owner, 'manager')
    const { requestId: r2 } = await submitted(h, tm)
    const demote = await h.inject({ method: 'PATCH', url: `/v1/members/${temp.membershipId}`, headers: bearer(owner.token), payload: { role: 'analyst' } })
    t.equal(demote.statusCode, 200)
    refused(t, await decide(h, temp, r2, 'approve'), 403, 'HERALD_FORBIDDEN', 'not_an_approver', 'demoted since submission')
    await h.inject({ method: 'DELETE', url: `/v1/members/${temp.membershipId}`, headers: bearer(owner.token) })
  })

  t.test("mode 'all': every frozen approver must approve, once each; one request_changes closes it", async (t) => {
    const allTeam = await team(h, 'all', [{ name: 'Both managers', roles: ['manager'], mode: 'all' }])
    const { item, requestId } = await submitted(h, allTeam)
    const first = await decide(h, allTeam.manager, requestId, 'approve')
    t.match(json(first).request, { status: 'open', currentStep: 0, steps: [{ status: 'in_progress', approvedBy: [{ actor: { id: allTeam.manager.membershipId } }], completedAt: null }] })
    t.equal(await itemStatus(h, item.id), 'in_review', 'one of two managers is not enough')
    refused(t, await decide(h, allTeam.manager, requestId, 'approve'), 409, 'HERALD_CONFLICT', 'already_decided', 'the same manager twice')
    const second = await decide(h, allTeam.manager2, requestId, 'approve')
    t.match(json(second).request, { status: 'approved', currentStep: 1 })
    t.equal(await itemStatus(h, item.id), 'approved')

    const { item: item2, requestId: r2 } = await submitted(h, allTeam)
    await decide(h, allTeam.manager, r2, 'approve')
    const changes = await decide(h, allTeam.manager2, r2, 'request_changes')
    t.match(json(changes).request, { status: 'changes_requested' })
    t.equal(await itemStatus(h, item2.id), 'changes_requested')
  })

  t.test('clients: only their brands, only client steps', async (t) => {
    const brand2 = await createBrand(h, owner, 'Second brand')
    const account2 = await socialAccount(h, owner.orgId, brand2.id, 'x')
    await h.inject({ method: 'PATCH', url: `/v1/brands/${brand2.id}`, headers: bearer(owner.token), payload: { approvalPolicyId: (await createPolicy(h, owner, brand2.id)).id } })
    const item2 = await createItem(h, creator, { brandId: brand2.id, targets: [{ socialAccountId: account2 }] })
    t.equal((await submit(h, creator, item2.id)).statusCode, 200)
    const [hidden] = await h.sql('SELECT id FROM approval_requests WHERE content_item_id = $1', [item2.id])
    t.match(json(await getRequest(h, owner, hidden.id)).steps[1], { eligibleMemberIds: [] }, 'the client cannot see brand 2, so is not frozen for it')
    t.equal((await getRequest(h, client, hidden.id)).statusCode, 404, 'an ungranted brand reads as not found')
    t.equal((await decide(h, client, hidden.id, 'approve')).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item2.id}/approval`, headers: bearer(client.token) })).statusCode, 404)
    const list = json(await h.inject({ method: 'GET', url: '/v1/approval-requests?limit=200', headers: bearer(client.token) }))
    t.ok(list.data.length > 0)
    t.ok(list.data.every((r: any) => r.brandId === tm.brand.id), 'the list holds only granted brands')
    t.same(json(await h.inject({ method: 'GET', url: `/v1/approval-requests?brandId=${brand2.id}`, headers: bearer(client.token) })).data, [], 'filtering by an ungranted brand gives nothing')

    const { requestId } = await submitted(h, tm)
    refused(t, await decide(h, client, requestId, 'approve'), 403, 'HERALD_FORBIDDEN', 'not_an_approver', 'the client before the client step')
    await decide(h, manager, requestId, 'approve')
    const mine = json(await h.inject({ method: 'GET', url: `/v1/approval-requests/${requestId}`, headers: bearer(client.token) }))
    t.equal(mine.submittedBy.label, null, 'clients do not see the team\'s emails')
    t.equal((await decide(h, client, requestId, 'request_changes', { comment: 'Warmer tone' })).statusCode, 201, 'the client decides at the client step without approvals:write')
  })

  t.test('API keys read with approvals:read, limited to their brands', async (t) => {
    const none = await createApiKey(h, owner, ['content:read'])
    const res = await h.inject({ method: 'GET', url: '/v1/approval-requests', headers: bearer(none.secret) })
    t.equal(res.statusCode, 403)
    t.match(json(res), { code: 'HERALD_FORBIDDEN', missingScope: 'approvals:read' })
    const { requestId } = await submitted(h, tm)
    t.match(json(await getRequest(h, { token: none.secret }, requestId)), { code: 'HERALD_FORBIDDEN', missingScope: 'approvals:read' })
    const brandB = await createBrand(h, owner, 'Key brand')
    const limited = await createApiKey(h, owner, ['approvals:read'], [brandB.id])
    t.equal((await getRequest(h, { token: limited.secret }, requestId)).statusCode, 404)
    t.same(json(await h.inject({ method: 'GET', url: '/v1/approval-requests', headers: bearer(limited.secret) })).data, [])
    const reader = await createApiKey(h, owner, ['approvals:read'])
    t.equal((await getRequest(h, { token: reader.secret }, requestId)).statusCode, 200)
    t.equal(json(await getRequest(h, { token: reader.secret }, requestId)).submittedBy.label, null, 'a key without members:read sees no labels')
    const [{ content_item_id: itemId }] = await h.sql('SELECT content_item_id FROM approval_requests WHERE id = $1', [requestId])
    const approvalUrl = `/v1/content-items/${itemId}/approval`
    t.match(json(await h.inject({ method: 'GET', url: approvalUrl, headers: bearer(none.secret) })), { code: 'HERALD_FORBIDDEN', missingScope: 'approvals:read' })
    t.equal((await h.inject({ method: 'GET', url: approvalUrl, headers: bearer(limited.secret) })).statusCode, 404)
    t.match(json(await h.inject({ method: 'GET', url: approvalUrl, headers: bearer(reader.secret) })), { approved: false, request: { id: requestId } })
  })

  t.test('other tenants: ids in the path and in filters are not found; nothing changes', async (t) => {
    const theirs = await submitted(h, other)
    t.equal((await getRequest(h, owner, theirs.requestId)).statusCode, 404)
    const d = await decide(h, manager, theirs.requestId, 'approve')
    t.equal(d.statusCode, 404)
    t.equal(json(d).code, 'HERALD_NOT_FOUND')
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${theirs.item.id}/approval`, headers: bearer(owner.token) })).statusCode, 404)
    t.same(json(await h.inject({ method: 'GET', url: `/v1/approval-requests?contentItemId=${theirs.item.id}`, headers: bearer(owner.token) })).data, [])
    t.same(json(await h.inject({ method: 'GET', url: `/v1/approval-requests?brandId=${other.brand.id}`, headers: bearer(owner.token) })).data, [])
    t.same(json(await h.inject({ method: 'GET', url: `/v1/approval-requests?approverId=${other.manager.membershipId}`, headers: bearer(owner.token) })).data, [])
    t.match(await requestRow(h, theirs.requestId), { status: 'open', version: 1 })
    t.equal(await decisionsOf(theirs.requestId), 0)
  })

  t.test('bad input', async (t) => {
    const { requestId } = await submitted(h, tm)
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: { ...bearer(manager.token), ...headers }, payload: payload as any })
    const cases: Array<[unknown, string]> = [
      [{}, 'decision'],
      [{ decision: 'maybe' }, 'decision'],
      [{ decision: 1 }, 'decision'],
      [{ decision: 'approve', comment: 42 }, 'comment'],
      [{ decision: 'approve', comment: 'x'.repeat(5001) }, 'comment'],
      [{ decision: 'approve', step: 0 }, 'step']
    ]
    for (const [payload, path] of cases) {
      const res = await post(payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
      t.equal(json(res).code, 'HERALD_VALIDATION')
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}`)
    }
    const big = await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: { ...bearer(manager.token), 'content-type': 'application/json' }, payload: JSON.stringify({ decision: 'approve', comment: 'x'.repeat(1024 * 1024) }) })
    t.equal(big.statusCode, 413)
    t.equal((await h.inject({ method: 'POST', url: '/v1/approval-requests/nope/decisions', headers: bearer(manager.token), payload: { decision: 'approve' } })).statusCode, 400)
    t.equal((await h.inject({ method: 'POST', url: `/v1/approval-requests/${randomUUID()}/decisions`, headers: bearer(manager.token), payload: { decision: 'approve' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: '/v1/approval-requests/12345', headers: bearer(manager.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: `/v1/approval-requests/${randomUUID()}`, headers: bearer(manager.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${randomUUID()}/approval`, headers: bearer(manager.token) })).statusCode, 404)
    for (const q of ['status=done', 'step=-1', 'step=x', 'overdue=yes', 'approverId=me', 'sort=status', 'limit=0', 'limit=201', 'brandId=1', 'contentItemId=x', 'cursor=forged', 'unknown=1']) {
      const res = await h.inject({ method: 'GET', url: `/v1/approval-requests?${q}`, headers: bearer(manager.token) })
      t.equal(res.statusCode, 400, q)
    }
    t.equal(await decisionsOf(requestId), 0, 'nothing was decided')

    const blank = await post({ decision: 'approve', comment: '   ' })
    t.equal(blank.statusCode, 201)
    t.equal(json(blank).decision.comment, null, 'a blank comment is no comment')
  })

  t.test('If-Match on the request version; Idempotency-Key replays the decision', async (t) => {
    const { requestId } = await submitted(h, tm)
    const stale = await decide(h, manager, requestId, 'approve', {}, { 'if-match': '"7"' })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 1 })
    const first = await decide(h, manager, requestId, 'approve', {}, { 'if-match': '"1"', 'idempotency-key': 'approve-once' })
    t.equal(first.statusCode, 201)
    const replay = await decide(h, manager, requestId, 'approve', {}, { 'if-match': '"1"', 'idempotency-key': 'approve-once' })
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.same(json(replay), json(first))
    t.equal(await decisionsOf(requestId), 1)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'approval.decided'", [requestId]))[0].n, 1)
    const mismatch = await decide(h, manager, requestId, 'reject', {}, { 'idempotency-key': 'approve-once' })
    t.equal(mismatch.statusCode, 422)
  })

  t.test('submission is refused when a step could never be decided, or the due date is past', async (t) => {
    const lonely = await signup(h, 'lonely')
    const brand = await createBrand(h, lonely, 'Solo')
    const x = await socialAccount(h, lonely.orgId, brand.id, 'x')
    const item = await createItem(h, lonely, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    const res = await submit(h, lonely, item.id)
    t.equal(res.statusCode, 422)
    t.match(json(res), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'approvalPolicy/steps/0', message: /nobody can decide at step "Internal review"/ }], detail: /"Internal review" cannot be completed/ })
    t.equal(await itemStatus(h, item.id), 'draft', 'the whole submit rolled back')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_requests WHERE content_item_id = $1', [item.id]))[0].n, 0)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'content_item.submitted'", [item.id]))[0].n, 0)

    const mine = await createItem(h, creator, { brandId: tm.brand.id, targets: [{ socialAccountId: tm.account }] })
    const past = await submit(h, creator, mine.id, { dueAt: '2020-01-01T00:00:00Z' })
    t.equal(past.statusCode, 422)
    t.match(json(past), { errors: [{ path: 'dueAt' }] })
    t.equal(await itemStatus(h, mine.id), 'draft')
    t.equal((await submit(h, creator, mine.id, { dueAt: future(1) })).statusCode, 200)
  })

  t.test('the decide interface for guest review: own request, client steps, audited with the email', async (t) => {
    const { item, requestId } = await submitted(h, tm)
    const linkId = randomUUID()
    await h.sql("INSERT INTO approval_guest_links (id, organization_id, request_id, email, expires_at, created_by_type, created_by_id) VALUES ($1, $2, $3, $4, now() + interval '1 day', 'member', $5)",
      [linkId, owner.orgId, requestId, 'ceo@lumen.example', owner.membershipId])
    const g = guest(tm, { linkId, requestId, contentItemId: item.id, email: 'ceo@lumen.example' })
    const service = h.app.approvalRequests

    const seen = await asActor(h, g, async (ctx) => await service.getForGuest(ctx, requestId))
    t.match(seen, { id: requestId, contentItemId: item.id, status: 'open', submittedBy: { label: null } })
    await t.rejects(asActor(h, g, async (ctx) => await service.decide(ctx, requestId, { decision: 'approve' })), { code: 'HERALD_FORBIDDEN', extra: { reason: 'not_an_approver' } }, 'not at the internal step')
    await decide(h, manager, requestId, 'approve')
    const result = await asActor(h, g, async (ctx) => await service.decide(ctx, requestId, { decision: 'approve', comment: ' Lovely ' }))
    t.match(result, { decision: { decision: 'approve', comment: 'Lovely', actor: { type: 'guest', id: linkId, label: null } }, request: { status: 'approved' } })
    t.equal(await itemStatus(h, item.id), 'approved')
    const [row] = await h.sql('SELECT actor_type, actor_id, actor_label FROM approval_decisions WHERE request_id = $1 AND step = 1', [requestId])
    t.same(row, { actor_type: 'guest', actor_id: linkId, actor_label: 'ceo@lumen.example' })
    const evs = await h.sql("SELECT type, actor_type, actor_label FROM events WHERE (subject_id = $1 OR subject_id = $2) AND actor_type = 'guest' ORDER BY seq", [requestId, item.id])
    t.same(evs.map((e: any) => [e.type, e.actor_label]), [['approval.decided', 'ceo@lumen.example'], ['content_item.status_changed', 'ceo@lumen.example'], ['content_item.approved', 'ceo@lumen.example']])
    await t.rejects(asActor(h, g, async (ctx) => await service.decide(ctx, requestId, { decision: 'approve' })), { code: 'HERALD_CONFLICT', extra: { reason: 'request_closed' } })

    const another = await submitted(h, tm)
    await t.rejects(asActor(h, g, async (ctx) => await service.decide(ctx, another.requestId, { decision: 'approve' })), { code: 'HERALD_NOT_FOUND' }, 'another request of the same brand')
    await t.rejects(asActor(h, g, async (ctx) => await service.getForGuest(ctx, another.requestId)), { code: 'HERALD_NOT_FOUND' })
    await t.rejects(asActor(h, g, async (ctx) => await service.get(ctx, requestId)), { code: 'HERALD_NOT_FOUND' }, 'guests read through getForGuest only')
    await t.rejects(asActor(h, g, async (ctx) => await service.list(ctx, { limit: 10, sort: '-createdAt' })), { code: 'HERALD_FORBIDDEN' })
    await t.rejects(asActor(h, g, async (ctx) => await service.decide(ctx, requestId, { decision: 'maybe' as any })), { code: 'HERALD_VALIDATION' })
  })
})
