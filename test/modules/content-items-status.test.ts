import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, asOwner, createItem, future, moveTo, reviewer, socialAccount } from '../factories-content.js'

t.test('content status: actions, edit rules, events, hooks', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'st-a')
  const b = await signup(h, 'st-b')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  // Submitting needs someone other than the author who can approve.
  await reviewer(h, a)
  const act = (s: { token: string }, id: string, action: string, payload?: object, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: `/v1/content-items/${id}/${action}`, headers: { ...bearer(s.token), ...headers }, ...(payload ? { payload } : {}) })
  const patch = (id: string, payload: object, s = a) => h.inject({ method: 'PATCH', url: `/v1/content-items/${id}`, headers: bearer(s.token), payload })
  const eventTypes = async (id: string) => (await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [id])).map((r: any) => r.type)

  t.test('draft → in_review → approved → scheduled → approved → scheduled; archive and restore', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, body: 'Hello', targets: [{ socialAccountId: x }] })
    const submitted = await act(a, item.id, 'submit', { dueAt: future(2) }, { 'if-match': '"1"' })
    t.equal(submitted.statusCode, 200, submitted.body)
    t.match(json(submitted), { status: 'in_review', version: 2, revision: 1 }, 'a status change is a new version, not a new revision')
    t.equal(submitted.headers.etag, '"2"')
    await moveTo(h, a, item.id, 'approved')
    const when = future(10)
    const scheduled = await act(a, item.id, 'schedule', { scheduledAt: when })
    t.equal(scheduled.statusCode, 200, scheduled.body)
    t.match(json(scheduled), { status: 'scheduled', scheduledAt: when, scheduleBasis: 'instant', timeZone: 'Europe/Paris', revision: 2 }, 'the time is an edit: a revision')
    const unscheduled = await act(a, item.id, 'unschedule')
    t.match(json(unscheduled), { status: 'approved', scheduledAt: when }, 'unscheduling keeps the planned time')
    const again = await act(a, item.id, 'schedule')
    t.match(json(again), { status: 'scheduled', scheduledAt: when, revision: 2 }, 'scheduling again at the planned time is no edit')
    const archived = await act(a, item.id, 'archive', {})
    t.match(json(archived), { status: 'archived' })
    const restored = await act(a, item.id, 'restore')
    t.match(json(restored), { status: 'draft' })
    t.same(await eventTypes(item.id), [
      'content_item.created',
      'content_item.status_changed', 'content_item.submitted',
      'content_item.status_changed', 'content_item.approved',
      'content_item.status_changed', 'content_item.updated', 'content_item.scheduled',
      'content_item.status_changed', 'content_item.unscheduled',
      'content_item.status_changed', 'content_item.scheduled',
      'content_item.status_changed', 'content_item.archived',
      'content_item.status_changed', 'content_item.restored'
    ])
    const changes = (await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.status_changed' ORDER BY seq", [item.id])).map((r: any) => `${r.data.from}>${r.data.to}`)
    t.same(changes, ['draft>in_review', 'in_review>approved', 'approved>scheduled', 'scheduled>approved', 'approved>scheduled', 'scheduled>archived', 'archived>draft'])
    const submittedEvent = (await h.sql("SELECT brand_id, data FROM events WHERE subject_id = $1 AND type = 'content_item.submitted'", [item.id]))[0]
    t.equal(submittedEvent.brand_id, brand.id)
    t.match(submittedEvent.data, { from: 'draft', revision: 1 })
  })

  t.test('an illegal action is 409 with the current status and the allowed next ones', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    const cases: Array<[string, string[]]> = [['schedule', ['in_review', 'archived']], ['unschedule', ['in_review', 'archived']], ['restore', ['in_review', 'archived']]]
    for (const [action, allowed] of cases) {
      const res = await act(a, item.id, action)
      t.equal(res.statusCode, 409, action)
      t.match(json(res), { code: 'HERALD_ILLEGAL_TRANSITION', currentStatus: 'draft', allowed })
    }
    await act(a, item.id, 'submit')
    const twice = await act(a, item.id, 'submit')
    t.match(json(twice), { code: 'HERALD_ILLEGAL_TRANSITION', currentStatus: 'in_review', allowed: ['approved', 'changes_requested', 'draft', 'archived'], allowedActions: ['archive'] })
    const selfApproval = await act(a, item.id, 'unschedule')
    t.equal(selfApproval.statusCode, 409, 'unschedule leads to approved, but never from in_review')
    t.equal(json(selfApproval).code, 'HERALD_ILLEGAL_TRANSITION')
    t.equal((await act(a, item.id, 'restore')).statusCode, 409, 'restore is for archived items only')
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).status, 'in_review')
    await act(a, item.id, 'archive')
    t.match(json(await act(a, item.id, 'archive')), { code: 'HERALD_ILLEGAL_TRANSITION', currentStatus: 'archived', allowed: ['draft'] })
    t.equal((await h.sql('SELECT version FROM content_items WHERE id = $1', [item.id]))[0].version, 3, 'refused actions changed nothing')
    t.match(json(await act(a, item.id, 'submit')), { allowedActions: ['restore'] })
  })

  t.test('changes requested → fixed → resubmitted', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, body: 'v1', targets: [{ socialAccountId: x }] })
    await act(a, item.id, 'submit')
    await moveTo(h, a, item.id, 'changes_requested')
    const fixed = await patch(item.id, { body: 'v2' })
    t.match(json(fixed), { status: 'changes_requested', body: 'v2', revision: 2 }, 'fixing does not change the status')
    t.match(json(await act(a, item.id, 'submit')), { status: 'in_review' })
  })

  t.test('submit needs a target; actions honour If-Match and Idempotency-Key', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id })
    const res = await act(a, item.id, 'submit')
    t.equal(res.statusCode, 422)
    t.match(json(res), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'targets' }] })
    const withTarget = json(await patch(item.id, { targets: [{ socialAccountId: x }] }))
    t.equal((await act(a, item.id, 'submit', undefined, { 'if-match': '"1"' })).statusCode, 412)
    const first = await act(a, item.id, 'submit', undefined, { 'if-match': `"${withTarget.version}"`, 'idempotency-key': 'submit-1' })
    const replay = await act(a, item.id, 'submit', undefined, { 'if-match': `"${withTarget.version}"`, 'idempotency-key': 'submit-1' })
    t.equal(first.statusCode, 200)
    t.equal(replay.statusCode, 200)
    t.equal(replay.headers['idempotent-replayed'], 'true')
    t.same(json(replay), json(first))
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'content_item.submitted'", [item.id]))[0].n, 1)
    const bad = await act(a, item.id, 'archive', { reason: 'x' })
    t.equal(bad.statusCode, 400, 'action bodies are strict too')
    t.equal(json(bad).errors[0].path, 'reason')
    const badDue = await act(a, (await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })).id, 'submit', { dueAt: 'tomorrow' })
    t.equal(json(badDue).errors[0].path, 'dueAt')
  })

  t.test('editing what would be published returns reviewed content to draft; the time alone does not', async (t) => {
    const when = future(12)
    const item = await approvedItem(h, a, brand.id, x, { scheduledAt: when })
    const moved = await patch(item.id, { scheduledAt: future(13), title: 'Renamed', labels: ['x'] })
    t.match(json(moved), { status: 'approved', title: 'Renamed' }, 'time, title and labels keep the approval')
    await act(a, item.id, 'schedule')
    const retimed = await patch(item.id, { scheduledLocal: '2031-01-05T10:00' })
    t.match(json(retimed), { status: 'scheduled', scheduledLocal: '2031-01-05T10:00:00' }, 'a scheduled item may move in time and stays scheduled')
    const clear = await patch(item.id, { scheduledAt: null })
    t.equal(clear.statusCode, 409)
    t.match(json(clear), { code: 'HERALD_CONFLICT', errors: [{ path: 'scheduledAt' }] })
    const past = await patch(item.id, { scheduledAt: '2020-01-01T00:00:00Z' })
    t.equal(past.statusCode, 422)
    const edited = await patch(item.id, { body: 'New text' })
    t.equal(edited.statusCode, 200)
    t.match(json(edited), { status: 'draft', body: 'New text', scheduledLocal: '2031-01-05T10:00:00' }, 'back to draft, the planned time kept')
    const events = await h.sql("SELECT type, data FROM events WHERE subject_id = $1 AND type IN ('content_item.returned_to_draft', 'content_item.status_changed') ORDER BY seq DESC LIMIT 2", [item.id])
    t.match(events.map((e: any) => [e.type, e.data]), [
      ['content_item.status_changed', { from: 'scheduled', to: 'draft', reason: 'edited' }],
      ['content_item.returned_to_draft', { from: 'scheduled', reason: 'edited', changed: ['body'] }]
    ])
    for (const [field, value] of [['targets', [{ socialAccountId: li }]], ['hashtags', ['new']], ['media', [{ url: 'https://cdn.example.com/x.png', type: 'image' }]], ['link', 'https://x.example'], ['firstComment', 'hi'], ['kind', 'thread']] as const) {
      const again = await approvedItem(h, a, brand.id, x)
      t.match(json(await patch(again.id, { [field]: value })), { status: 'draft' }, field)
    }
    const review = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    await act(a, review.id, 'submit')
    t.match(json(await patch(review.id, { body: 'changed under review' })), { status: 'draft' }, 'in_review too')
  })

  t.test('published, publishing and archived content cannot be edited; only drafts are deleted', async (t) => {
    const item = await approvedItem(h, a, brand.id, x, { scheduledAt: future(3) })
    await act(a, item.id, 'schedule')
    await moveTo(h, a, item.id, 'publishing')
    const publishing = await patch(item.id, { title: 'x' })
    t.equal(publishing.statusCode, 409)
    t.match(json(publishing), { code: 'HERALD_CONFLICT', currentStatus: 'publishing' })
    await moveTo(h, a, item.id, 'published')
    const published = await patch(item.id, { body: 'x' })
    t.match(json(published), { code: 'HERALD_CONFLICT', currentStatus: 'published', allowed: ['archived'] })
    t.equal((await patch(item.id, {})).statusCode, 200, 'an empty patch is harmless')
    const del = await h.inject({ method: 'DELETE', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })
    t.equal(del.statusCode, 409)
    t.match(json(del), { code: 'HERALD_CONFLICT', currentStatus: 'published', detail: /Archive it instead/ })
    await act(a, item.id, 'archive')
    t.match(json(await patch(item.id, { title: 'x' })), { code: 'HERALD_CONFLICT', currentStatus: 'archived', detail: /restore it first/ })
    const failed = await approvedItem(h, a, brand.id, x, { scheduledAt: future(4) })
    await act(a, failed.id, 'schedule')
    await moveTo(h, a, failed.id, 'publishing', 'failed')
    t.match(json(await act(a, failed.id, 'schedule', { scheduledAt: future(5) })), { status: 'scheduled' }, 'a failed post can be retried')
    const row = await h.sql('SELECT status, archived_from FROM content_items WHERE id = $1', [item.id])
    t.same(row, [{ status: 'archived', archived_from: 'published' }])
  })

  t.test('hooks: other modules plug in without changing the rules, in the same transaction', async (t) => {
    const calls: string[] = []
    const hooks = h.app.contentItems.hooks
    const submitted = async (_ctx: any, item: any, info: any) => { calls.push(`submitted ${item.status} r${info.revision} ${info.dueAt}`) }
    const changed = async (_ctx: any, item: any, info: any) => { calls.push(`changed ${info.changed.join(',')} ${info.from}>${info.to} r${item.revision}`) }
    const transitioned = async (_ctx: any, _item: any, info: any) => { calls.push(`moved ${info.from}>${info.to} ${info.reason}`) }
    let veto = false
    const before = async (_ctx: any, _item: any, info: any) => {
      if (veto && info.to === 'scheduled') throw new (await import('../../src/lib/errors.js')).AppError('HERALD_CONFLICT', 'The approved revision is not the current one.')
    }
    const registered = [
      hooks.afterSubmit.register(submitted),
      hooks.afterPublishableChange.register(changed),
      hooks.afterTransition.register(transitioned),
      hooks.beforeTransition.register(before)
    ]
    t.teardown(() => { for (const unregister of registered) unregister() })
    const item = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }], scheduledAt: future(6) })
    await act(a, item.id, 'submit', { dueAt: '2031-01-01T00:00:00Z' })
    await moveTo(h, a, item.id, 'approved')
    veto = true
    const vetoed = await act(a, item.id, 'schedule')
    t.equal(vetoed.statusCode, 409, 'a before hook can refuse a move')
    t.equal(json(vetoed).detail, 'The approved revision is not the current one.')
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).status, 'approved', 'and nothing changed')
    veto = false
    await patch(item.id, { body: 'changed', title: 'also' })
    t.same(calls, [
      'moved draft>in_review submitted',
      'submitted in_review r1 2031-01-01T00:00:00Z',
      'moved in_review>approved approved',
      'changed title,body approved>draft r2',
      'moved approved>draft edited'
    ])
    const failing = async () => { throw new Error('hook failed') }
    const unregister = hooks.afterSubmit.register(failing)
    const other = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    const res = await act(a, other.id, 'submit')
    unregister()
    t.equal(res.statusCode, 500)
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${other.id}`, headers: bearer(a.token) })).status, 'draft', 'a failing hook rolls the move back')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'content_item.submitted'", [other.id]))[0].n, 0)
  })

  t.test('transition() follows the machine and the tenant', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    await t.rejects(asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, item.id, 'approved', 'test')), { code: 'HERALD_ILLEGAL_TRANSITION' })
    await t.rejects(asOwner(h, b, async (ctx) => await h.app.contentItems.transition(ctx, item.id, 'archived', 'test')), { code: 'HERALD_NOT_FOUND' })
    const moved = await asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, item.id, 'archived', 'because'))
    t.equal(moved.status, 'archived')
    const ev = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.status_changed'", [item.id])
    t.match(ev[0].data, { from: 'draft', to: 'archived', reason: 'because' })
  })

  t.test('roles and tenants on actions', async (t) => {
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const item = await createItem(h, creator, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    t.equal((await act(creator, item.id, 'submit')).statusCode, 200, 'creators submit')
    for (const s of [analyst, client]) {
      for (const action of ['submit', 'schedule', 'unschedule', 'archive', 'restore']) {
        const res = await act(s, item.id, action)
        t.equal(res.statusCode, 403, `${action}`)
      }
    }
    const reader = await createApiKey(h, a, ['content:read'])
    const denied = await act({ token: reader.secret }, item.id, 'archive')
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'content:write' })
    for (const action of ['submit', 'schedule', 'unschedule', 'archive', 'restore']) {
      t.equal((await act(b, item.id, action)).statusCode, 404, `another tenant: ${action}`)
    }
    t.equal((await act(a, '00000000-0000-4000-8000-000000000000', 'archive')).statusCode, 404)
    t.equal((await act(a, 'nope', 'archive')).statusCode, 400)
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).status, 'in_review')
  })
})
