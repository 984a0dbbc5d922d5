import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { asOwner, future } from '../factories-content.js'
import { decide, getRequest, itemStatus, requestRow, submit, submitted, team } from '../factories-approval-requests.js'

// The "done when", as a new user would try it: an internal reviewer and a client
// approve a post in two steps; an edit in between forces a re-review; moving only the time
// keeps the approval; scheduling needs the approved revision to be the current one.

t.test('approval requests: the whole flow', async (t) => {
  const h = await createTestApp(t)
  const tm = await team(h, 'flow')
  const { creator, manager, client, owner } = tm
  const patch = (id: string, payload: object, s = creator) => h.inject({ method: 'PATCH', url: `/v1/content-items/${id}`, headers: bearer(s.token), payload })
  const act = (id: string, action: string, payload?: object, s = creator) =>
    h.inject({ method: 'POST', url: `/v1/content-items/${id}/${action}`, headers: bearer(s.token), ...(payload ? { payload } : {}) })
  const events = async (subjectIds: string[]) => (await h.sql('SELECT type, subject_type, subject_id, brand_id, actor_type, actor_id, actor_label, data FROM events WHERE subject_id = ANY($1) ORDER BY seq', [subjectIds]))

  t.test('two steps, an edit in between, resubmission, approval, scheduling', async (t) => {
    const due = future(2)
    const { item, requestId: first } = await submitted(h, tm, creator, { scheduledAt: future(10) }, { dueAt: due })

    const opened = json(await getRequest(h, manager, first))
    t.match(opened, {
      id: first,
      brandId: tm.brand.id,
      contentItemId: item.id,
      revision: 1,
      policyId: tm.policyId,
      status: 'open',
      currentStep: 0,
      dueAt: due,
      overdue: false,
      submittedBy: { type: 'member', id: creator.membershipId, label: creator.email },
      closedAt: null,
      version: 1,
      decisions: []
    })
    t.same(opened.steps.map((s: any) => [s.index, s.name, s.status, s.clientStep, [...s.eligibleMemberIds].sort()]), [
      [0, 'Internal review', 'in_progress', false, [manager.membershipId, tm.manager2.membershipId].sort()],
      [1, 'Client approval', 'pending', true, [client.membershipId]]
    ], 'the steps are frozen with who may decide each; the owner is no manager, the creator is the author')

    t.equal((await decide(h, client, first, 'approve')).statusCode, 403, 'the client waits for the internal review')
    const internal = await decide(h, manager, first, 'approve', { comment: '  Ready for the client.  ' })
    t.equal(internal.statusCode, 201, internal.body)
    const afterInternal = json(internal)
    t.match(afterInternal.decision, { requestId: first, step: 0, stepName: 'Internal review', decision: 'approve', comment: 'Ready for the client.', actor: { type: 'member', id: manager.membershipId } })
    t.match(afterInternal.request, { status: 'open', currentStep: 1, version: 2 })
    t.match(afterInternal.request.steps[0], { status: 'approved', approvedBy: [{ actor: { id: manager.membershipId } }] })
    t.equal(internal.headers.etag, '"2"')
    t.equal(await itemStatus(h, item.id), 'in_review', 'one step of two: still in review')

    // An edit of what would be published: the review was for other words.
    const edited = await patch(item.id, { body: 'Spring blend is HERE' })
    t.match(json(edited), { status: 'draft', revision: 2 })
    t.match(await requestRow(h, first), { status: 'invalidated', version: 3 })
    t.ok((await requestRow(h, first)).closed_at)
    const late = await decide(h, client, first, 'approve')
    t.equal(late.statusCode, 409)
    t.match(json(late), { code: 'HERALD_CONFLICT', reason: 'request_closed' })

    const again = await submit(h, creator, item.id)
    t.equal(again.statusCode, 200)
    const [second] = await h.sql("SELECT id, revision FROM approval_requests WHERE content_item_id = $1 AND status = 'open'", [item.id])
    t.not(second.id, first, 'resubmitting opens a new request')
    t.equal(second.revision, 2, 'bound to the current revision')
    t.equal((await decide(h, manager, second.id, 'approve', { comment: 'Internal: the CEO wants this out before Friday.' })).statusCode, 201)
    const final = await decide(h, client, second.id, 'approve', { comment: 'Lovely, go ahead.' })
    t.equal(final.statusCode, 201, final.body)
    t.match(json(final).request, { status: 'approved', currentStep: 2 })
    t.ok(json(final).request.closedAt)
    t.equal(json(final).decision.actor.label, null, 'clients do not see who is who (no members:read)')
    t.equal(json(await getRequest(h, owner, second.id)).decisions[1].actor.label, client.email, 'the team does')
    // What the internal review said stays internal, as internal comments do.
    t.same(json(final).request.decisions.map((d: any) => d.comment), [null, 'Lovely, go ahead.'], 'a client sees only client-step comments')
    t.same(json(await getRequest(h, owner, second.id)).decisions.map((d: any) => d.comment), ['Internal: the CEO wants this out before Friday.', 'Lovely, go ahead.'], 'the team sees both')
    t.equal(await itemStatus(h, item.id), 'approved')
    // The list reads each request's decisions in its page's statement: the same reply as one GET,
    // for the team (labels, internal comments) and for a client (neither); and with a total asked
    // (the decisions then read for the page's rows only, in the same statement).
    for (const [who, reader] of [['owner', owner], ['client', client]] as const) {
      const one = json(await getRequest(h, reader, second.id))
      for (const query of ['', '&include=totalCount']) {
        const listed = json(await h.inject({ method: 'GET', url: `/v1/approval-requests?contentItemId=${item.id}${query}`, headers: bearer(reader.token) }))
        const { overdue: _o1, ...fromList } = listed.data.find((r: any) => r.id === second.id)
        const { overdue: _o2, ...fromGet } = one
        t.same(fromList, fromGet, `${who}: the listed request${query ? ' (with a total)' : ''} is the one GET answers`)
      }
    }

    // The approved item shows which revision was approved, and by whom at each step.
    const approval = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/approval`, headers: bearer(owner.token) }))
    t.match(approval, { contentItemId: item.id, currentRevision: 2, approved: true, approvedRevision: 2, request: { id: second.id, status: 'approved' } })
    t.same(approval.request.steps.map((s: any) => [s.status, s.approvedBy.map((a: any) => a.actor.id), typeof s.completedAt]), [
      ['approved', [manager.membershipId], 'string'],
      ['approved', [client.membershipId], 'string']
    ])

    // Moving only the time (or the title, labels) keeps the approval.
    const retimed = await patch(item.id, { scheduledAt: future(11), title: 'Renamed', labels: ['spring'] })
    t.match(json(retimed), { status: 'approved', revision: 3 })
    t.match(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/approval`, headers: bearer(owner.token) })),
      { currentRevision: 3, approved: true, approvedRevision: 2 }, 'revision 3 publishes what revision 2 did')
    const scheduled = await act(item.id, 'schedule', { scheduledAt: future(12) })
    t.equal(scheduled.statusCode, 200, scheduled.body)
    t.match(json(scheduled), { status: 'scheduled', revision: 4 })
    t.match(json(await patch(item.id, { scheduledLocal: '2031-02-01T10:00' })), { status: 'scheduled' }, 'a scheduled item moves in time and keeps its approval')
    t.equal((await requestRow(h, second.id)).status, 'approved')

    // Changing the text after approval: back to draft, the approval invalidated.
    const changed = await patch(item.id, { hashtags: ['spring'] })
    t.match(json(changed), { status: 'draft' })
    t.equal((await requestRow(h, second.id)).status, 'invalidated')
    t.match(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/approval`, headers: bearer(owner.token) })),
      { approved: false, approvedRevision: null, request: { id: second.id, status: 'invalidated' } })

    const evs = await events([first, second.id, item.id])
    const types = evs.map((e: any) => e.type)
    t.same(types.filter((x: string) => x.startsWith('approval') || ['content_item.approved', 'content_item.submitted'].includes(x)), [
      'content_item.submitted', 'approval_request.opened',
      'approval.decided',
      'approval_request.invalidated',
      'content_item.submitted', 'approval_request.opened',
      'approval.decided',
      'approval.decided', 'content_item.approved',
      'approval_request.invalidated'
    ])
    const openedEvent = evs.find((e: any) => e.type === 'approval_request.opened')
    t.match(openedEvent, { subject_type: 'approval_request', subject_id: first, brand_id: tm.brand.id, actor_id: creator.membershipId, data: { contentItemId: item.id, policySource: 'brand', request: { id: first, revision: 1, dueAt: due, submittedBy: { label: null } } } })
    const decided = evs.filter((e: any) => e.type === 'approval.decided')
    t.match(decided[0], { subject_type: 'approval_request', subject_id: first, brand_id: tm.brand.id, actor_id: manager.membershipId, data: { requestId: first, contentItemId: item.id, step: 0, stepName: 'Internal review', decision: 'approve', status: 'open', currentStep: 1, comment: 'Ready for the client.' } })
    t.match(decided[2], { actor_id: client.membershipId, actor_label: client.email, data: { step: 1, decision: 'approve', status: 'approved', currentStep: 2 } })
    t.match(evs.find((e: any) => e.type === 'content_item.approved'), { subject_type: 'content_item', subject_id: item.id, brand_id: tm.brand.id, data: { requestId: second.id, revision: 2 } })
    const invalidations = evs.filter((e: any) => e.type === 'approval_request.invalidated')
    t.match(invalidations[0].data, { requestId: first, previousStatus: 'open', reason: 'edited', changed: ['body'] })
    t.match(invalidations[1].data, { requestId: second.id, previousStatus: 'approved', reason: 'edited', changed: ['hashtags'] })
    t.ok(types.indexOf('content_item.status_changed') >= 0)
  })

  t.test('request_changes sends the item to changes_requested; reject returns it to draft; each closes its request', async (t) => {
    const one = await submitted(h, tm)
    const changes = await decide(h, manager, one.requestId, 'request_changes', { comment: 'Shorter, please.' })
    t.equal(changes.statusCode, 201)
    t.match(json(changes).request, { status: 'changes_requested', currentStep: 0, steps: [{ status: 'changes_requested' }, { status: 'pending' }] })
    t.equal(await itemStatus(h, one.item.id), 'changes_requested')
    t.match((await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.changes_requested'", [one.item.id]))[0].data, { requestId: one.requestId, step: 0, comment: 'Shorter, please.' })
    t.equal((await patch(one.item.id, { body: 'Shorter.' })).statusCode, 200)
    t.equal(await itemStatus(h, one.item.id), 'changes_requested', 'fixing it keeps it there until resubmitted')
    t.equal((await submit(h, creator, one.item.id)).statusCode, 200)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM approval_requests WHERE content_item_id = $1 AND status = 'open'", [one.item.id]))[0].n, 1)

    const two = await submitted(h, tm)
    t.equal((await decide(h, manager, two.requestId, 'approve')).statusCode, 201)
    const rejected = await decide(h, client, two.requestId, 'reject', { comment: 'Not this season.' })
    t.equal(rejected.statusCode, 201)
    t.match(json(rejected).request, { status: 'rejected', currentStep: 1, steps: [{ status: 'approved' }, { status: 'rejected' }] })
    t.equal(await itemStatus(h, two.item.id), 'draft')
    const types = (await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [two.item.id])).map((r: any) => r.type)
    t.same(types.slice(-3), ['content_item.status_changed', 'content_item.returned_to_draft', 'content_item.rejected'])
  })

  t.test('scheduling requires an approved request for the content as it is now', async (t) => {
    // Only the reviewers approve: moving an item to approved any other way is refused.
    const { item } = await submitted(h, tm)
    await t.rejects(asOwner(h, owner, async (ctx) => await h.app.contentItems.transition(ctx, item.id, 'approved', 'shortcut')), { code: 'HERALD_CONFLICT', extra: { reason: 'approval_required' } })
    t.equal(await itemStatus(h, item.id), 'in_review')

    // A stale approval, forced in the database (the API never leaves one): scheduling refuses it.
    const stale = await submitted(h, tm)
    await decide(h, manager, stale.requestId, 'approve')
    await decide(h, client, stale.requestId, 'approve')
    await patch(stale.item.id, { body: 'changed after approval' })
    await h.sql("UPDATE approval_requests SET status = 'approved' WHERE id = $1", [stale.requestId])
    await h.sql("UPDATE content_items SET status = 'approved' WHERE id = $1", [stale.item.id])
    const refused = await act(stale.item.id, 'schedule', { scheduledAt: future(5) })
    t.equal(refused.statusCode, 409)
    t.match(json(refused), { code: 'HERALD_CONFLICT', reason: 'approval_stale', detail: /approved revision \(1\) is not what would be published now \(revision 2\)/ })

    await h.sql("UPDATE approval_requests SET status = 'invalidated' WHERE id = $1", [stale.requestId])
    const none = await act(stale.item.id, 'schedule', { scheduledAt: future(5) })
    t.match(json(none), { code: 'HERALD_CONFLICT', reason: 'approval_required', detail: /latest approval request is invalidated/ })
    t.equal(await itemStatus(h, stale.item.id), 'approved', 'refusals change nothing')
  })

  t.test('an item that leaves review another way closes its request', async (t) => {
    const { item, requestId } = await submitted(h, tm)
    t.equal((await act(item.id, 'archive')).statusCode, 200)
    t.match(await requestRow(h, requestId), { status: 'invalidated' })
    const ev = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'approval_request.invalidated'", [requestId])
    t.match(ev[0].data, { previousStatus: 'open', reason: 'archived', contentStatus: 'archived' })
    t.equal((await act(item.id, 'restore')).statusCode, 200)
    t.equal((await submit(h, creator, item.id)).statusCode, 200, 'after a restore it can be submitted again')
  })

  t.test('a campaign\'s policy overrides the brand\'s; a brand without one uses the built-in review', async (t) => {
    const legal = await h.inject({ method: 'POST', url: '/v1/approval-policies', headers: bearer(owner.token), payload: { brandId: tm.brand.id, name: 'Legal', steps: [{ name: 'Legal', memberIds: [tm.manager2.membershipId], mode: 'all' }] } })
    const campaign = await h.inject({ method: 'POST', url: '/v1/campaigns', headers: bearer(owner.token), payload: { brandId: tm.brand.id, name: 'Regulated', objective: 'awareness', approvalPolicyId: json(legal).id } })
    t.equal(campaign.statusCode, 201)
    const { requestId } = await submitted(h, tm, creator, { campaignId: json(campaign).id })
    const req = json(await getRequest(h, owner, requestId))
    t.match(req, { policyId: json(legal).id, policyName: 'Legal', steps: [{ name: 'Legal', eligibleMemberIds: [tm.manager2.membershipId] }] })
    t.equal(req.steps.length, 1)
    t.equal((await decide(h, manager, requestId, 'approve')).statusCode, 403, 'only the named member decides')
    t.equal((await decide(h, tm.manager2, requestId, 'approve')).statusCode, 201)

    await h.sql('UPDATE brands SET approval_policy_id = NULL WHERE id = $1', [tm.brand.id])
    const builtIn = await submitted(h, tm)
    t.match(json(await getRequest(h, owner, builtIn.requestId)), { policyId: null, policyName: 'Internal review', steps: [{ roles: ['manager', 'admin', 'owner'] }] })
    t.equal((await decide(h, owner, builtIn.requestId, 'approve')).statusCode, 201, 'the owner approves under the built-in review')
    await h.sql('UPDATE brands SET approval_policy_id = $2 WHERE id = $1', [tm.brand.id, tm.policyId])
  })
})
