import t from 'tap'
import { createSigner } from 'fast-jwt'
import { bearer, createTestApp, json, JWT_SECRET } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'
import { CLIENT_ONLY, createGuestLink, INTERNAL_THEN_CLIENT, submittedItem, usePolicy } from '../factories-review.js'

// Guest decisions go through the approvals module's decide(): these tests prove the guest
// route reaches it with the link's own request, and that its answers reach the guest.

t.test('guest decisions', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const manager = await addMember(h, a, 'manager')
  const twoStep = await createBrand(h, a)
  await usePolicy(h, a, twoStep.id, INTERNAL_THEN_CLIENT)
  const clientOnly = await createBrand(h, a)
  await usePolicy(h, a, clientOnly.id, CLIENT_ONLY)
  const decide = (token: string, payload: unknown, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/v1/guest/review/decisions', headers: { ...bearer(token), ...headers }, payload: payload as object })

  t.test('an internal reviewer, then a guest, approve in two steps: the item is approved', async (t) => {
    const { item, requestId } = await submittedItem(h, a, twoStep.id, INTERNAL_THEN_CLIENT)
    const link = await createGuestLink(h, manager, requestId, { email: 'ana@client.example' })

    const early = await decide(link.token, { decision: 'approve' })
    t.equal(early.statusCode, 403, 'not at the internal step')
    t.match(json(early), { code: 'HERALD_FORBIDDEN', reason: 'not_an_approver' })
    t.equal(json(await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })).request.canDecide, false)

    const internal = await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: bearer(manager.token), payload: { decision: 'approve', comment: 'Internal OK' } })
    t.equal(internal.statusCode, 201)
    t.equal(json(await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })).request.canDecide, true)

    const res = await decide(link.token, { decision: 'approve', comment: '  Lovely, go ahead.  ' })
    t.equal(res.statusCode, 201)
    const result = json(res)
    t.match(result, { decision: { requestId, step: 1, stepName: 'Client approval', decision: 'approve', comment: 'Lovely, go ahead.', actor: { type: 'guest', id: link.id } }, request: { id: requestId, status: 'approved' } })
    t.equal(res.headers.etag, `"${result.request.version}"`)
    t.match(result.request.decisions, [{ step: 0, comment: null, actor: { label: null } }, { step: 1, comment: 'Lovely, go ahead.' }], 'the internal step\'s comment stays internal')
    t.notOk(res.body.includes('Internal OK'))
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).status, 'approved', 'the content is approved')

    const again = await decide(link.token, { decision: 'approve' })
    t.equal(again.statusCode, 409, 'a closed request takes no more decisions')
    t.equal(json(again).reason, 'request_closed')
    const view = json(await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) }))
    t.match(view.request, { status: 'approved', canDecide: false })
    t.match(view.request.decisions, [{ step: 0, comment: null, actor: { label: null } }, { step: 1, comment: 'Lovely, go ahead.', actor: { type: 'guest', label: 'ana@client.example' } }])

    // Audited with the guest's email, and on the timeline once.
    const audit = json(await h.inject({ method: 'GET', url: `/v1/audit-events?subjectId=${requestId}&type=approval.decided`, headers: bearer(a.token) })).data
    t.match(audit[0], { actor: { type: 'guest', id: link.id, label: 'ana@client.example' }, data: { step: 1, decision: 'approve' } })
    const approved = json(await h.inject({ method: 'GET', url: `/v1/audit-events?subjectId=${item.id}&type=content_item.approved`, headers: bearer(a.token) })).data
    t.match(approved, [{ actor: { type: 'guest', label: 'ana@client.example' } }])
    const timeline = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?sort=createdAt`, headers: bearer(a.token) })).data
    const decisions = timeline.filter((e: any) => e.type === 'decision')
    t.match(decisions, [{ actor: { type: 'member', id: manager.membershipId }, data: { step: 0 } }, { id: result.decision.id, actor: { type: 'guest', label: 'ana@client.example' }, data: { step: 1, decision: 'approve' } }], 'each decision once')
    t.match(timeline.at(-1), { type: 'status_changed', actor: { type: 'guest' }, data: { from: 'in_review', to: 'approved' } })
  })

  t.test('deciding twice at a step is a 409; request_changes and reject move the content', async (t) => {
    // An 'all' client step with a client member: the guest's approval counts, the member's is still needed.
    const allBrand = await createBrand(h, a)
    await addMember(h, a, 'client', [allBrand.id])
    await usePolicy(h, a, allBrand.id, [{ name: 'Client approval', roles: ['client'], mode: 'all' }])
    const { requestId } = await submittedItem(h, a, allBrand.id, [{ name: 'Client approval', roles: ['client'], mode: 'all' }])
    const link = await createGuestLink(h, manager, requestId)
    t.equal((await decide(link.token, { decision: 'approve' })).statusCode, 201)
    const twice = await decide(link.token, { decision: 'approve' })
    t.equal(twice.statusCode, 409)
    t.match(json(twice), { code: 'HERALD_CONFLICT', reason: 'already_decided' })
    const [count] = await h.sql('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1', [requestId])
    t.equal(count.n, 1)

    const changes = await submittedItem(h, a, clientOnly.id)
    const changesLink = await createGuestLink(h, manager, changes.requestId)
    const asked = await decide(changesLink.token, { decision: 'request_changes', comment: 'Mention the roastery' })
    t.equal(asked.statusCode, 201)
    t.equal(json(asked).request.status, 'changes_requested')
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${changes.item.id}`, headers: bearer(a.token) })).status, 'changes_requested')

    const rejected = await submittedItem(h, a, clientOnly.id)
    const rejectLink = await createGuestLink(h, manager, rejected.requestId)
    t.equal((await decide(rejectLink.token, { decision: 'reject' })).statusCode, 201)
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${rejected.item.id}`, headers: bearer(a.token) })).status, 'draft')
  })

  t.test('expired, revoked and tampered tokens get 401 and decide nothing', async (t) => {
    const { requestId } = await submittedItem(h, a, clientOnly.id)
    const expired = await createGuestLink(h, manager, requestId)
    const revoked = await createGuestLink(h, manager, requestId)
    const valid = await createGuestLink(h, manager, requestId)
    await h.sql("UPDATE approval_guest_links SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.id])
    await h.inject({ method: 'DELETE', url: `/v1/approval-requests/${requestId}/guest-links/${revoked.id}`, headers: bearer(manager.token) })
    const now = Math.floor(Date.now() / 1000)
    const claims = { jti: valid.id, org: a.orgId, req: requestId, typ: 'guest' }
    const [h0, p0, s0] = valid.token.split('.')
    const cases: Array<[string, string, string]> = [
      ['expired link', expired.token, 'HERALD_TOKEN_EXPIRED'],
      ['expired JWT', createSigner({ key: JWT_SECRET, algorithm: 'HS256', iss: 'herald', aud: 'herald-guest-review' })({ ...claims, iat: now - 100, exp: now - 10 }), 'HERALD_TOKEN_EXPIRED'],
      ['revoked', revoked.token, 'HERALD_UNAUTHENTICATED'],
      // A middle character: the last one of a 32-byte signature also carries padding bits.
      ['tampered signature', `${h0}.${p0}.${s0.slice(0, 10)}${s0[10] === 'A' ? 'B' : 'A'}${s0.slice(11)}`, 'HERALD_UNAUTHENTICATED'],
      ['wrong key', createSigner({ key: 'x'.repeat(48), algorithm: 'HS256', iss: 'herald', aud: 'herald-guest-review', expiresIn: 60_000 })(claims), 'HERALD_UNAUTHENTICATED'],
      ['an access token', manager.token, 'HERALD_UNAUTHENTICATED']
    ]
    for (const [name, token, code] of cases) {
      const res = await decide(token, { decision: 'approve' })
      t.equal(res.statusCode, 401, name)
      t.equal(json(res).code, code, name)
    }
    const [count] = await h.sql('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1', [requestId])
    t.equal(count.n, 0, 'nothing was decided')
    t.equal((await decide(valid.token, { decision: 'approve' })).statusCode, 201, 'the valid link still decides')
  })

  t.test('bad input, If-Match and Idempotency-Key', async (t) => {
    const { requestId } = await submittedItem(h, a, clientOnly.id)
    const link = await createGuestLink(h, manager, requestId)
    for (const [payload, path] of [
      [{}, 'decision'],
      [{ decision: 'maybe' }, 'decision'],
      [{ decision: 42 }, 'decision'],
      [{ decision: 'approve', comment: 'x'.repeat(5001) }, 'comment'],
      [{ decision: 'approve', requestId: b.orgId }, 'requestId'],
      [{ decision: 'approve', step: 0 }, 'step']
    ] as const) {
      const res = await decide(link.token, payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}`)
    }
    t.equal((await h.inject({ method: 'POST', url: '/v1/guest/review/decisions', headers: { ...bearer(link.token), 'content-type': 'application/json' }, payload: JSON.stringify({ decision: 'approve', comment: 'x'.repeat(1024 * 1024) }) })).statusCode, 413)
    const stale = await decide(link.token, { decision: 'approve' }, { 'if-match': '"99"' })
    t.equal(stale.statusCode, 412)
    const first = await decide(link.token, { decision: 'approve' }, { 'idempotency-key': 'guest-decision-1' })
    const replay = await decide(link.token, { decision: 'approve' }, { 'idempotency-key': 'guest-decision-1' })
    t.equal(first.statusCode, 201)
    t.equal(replay.statusCode, 201)
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.equal(json(replay).decision.id, json(first).decision.id)
    const [count] = await h.sql('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1', [requestId])
    t.equal(count.n, 1)
  })
})
