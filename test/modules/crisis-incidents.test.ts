import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { activate, createPlaybook } from '../factories-crisis.js'

t.test('incidents', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'inc-a')
  const b = await signup(h, 'inc-b')
  const brand = await createBrand(h, a, 'Lumen')
  const brand2 = await createBrand(h, a, 'Other')
  const bBrand = await createBrand(h, b, 'Theirs')
  const url = (rest = '') => `/v1/incidents${rest}`
  const post = (s: { token: string }, path: string, payload?: object) => h.inject({ method: 'POST', url: url(path), headers: bearer(s.token), ...(payload ? { payload } : {}) })

  t.test('activation opens one incident with its checklist; again returns it; events and timeline', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id, brand2.id] })
    const res = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1', note: 'Recall announced at 9:00' })
    t.equal(res.statusCode, 201, res.body)
    const inc = json(res)
    t.match(inc, { opened: true, brandId: brand.id, playbookId: p.id, playbookVersion: 1, severity: 'sev1', status: 'active', commanderId: a.membershipId, openedBy: 'manual', acknowledgedAt: null, resolvedAt: null, pauseId: null })
    t.same(inc.checklist.map((s: any) => [s.position, s.title, s.responseTargetMinutes, s.completedAt, s.overdue]), [[1, 'Confirm the facts', 15, null, false], [2, 'Post the holding statement', 60, null, false]])
    t.equal(new Date(inc.checklist[0].dueAt).getTime() - new Date(inc.createdAt).getTime(), 15 * 60_000)
    t.equal(res.headers.location, url(`/${inc.id}`))

    const again = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev2' })
    t.equal(again.statusCode, 200)
    t.match(json(again), { id: inc.id, opened: false, severity: 'sev1' })
    const other = await activate(h, a, p.id, { brandId: brand2.id, severity: 'sev2' })
    t.equal(other.statusCode, 201, 'another brand gets its own incident')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'incident.opened'", [inc.id]))[0].n, 1)
    const tl = json(await h.inject({ method: 'GET', url: url(`/${inc.id}/timeline`), headers: bearer(a.token) }))
    t.match(tl.data, [{ kind: 'opened', body: 'Recall announced at 9:00', actor: { type: 'member', id: a.membershipId } }])
  })

  t.test('concurrent activations open one incident', async (t) => {
    const p = await createPlaybook(h, a)
    const results = await Promise.all([0, 1, 2, 3].map(() => activate(h, a, p.id, { brandId: brand.id, severity: 'sev2' })))
    t.same(results.map((r) => r.statusCode).sort(), [200, 200, 200, 201])
    t.equal(new Set(results.map((r) => json(r).id)).size, 1)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [p.id]))[0].n, 1)
  })

  t.test('activation is atomic: a failure midway leaves no half-incident', async (t) => {
    const p = await createPlaybook(h, a, { pausePublishing: true })
    // The pause fails (the brand is already paused) after the incident and checklist are written.
    const paused = await h.inject({ method: 'POST', url: `/v1/brands/${brand2.id}/pause`, headers: bearer(a.token), payload: { reason: 'Manual hold' } })
    t.equal(paused.statusCode, 201, paused.body)
    const res = await activate(h, a, p.id, { brandId: brand2.id, severity: 'sev1' })
    t.equal(res.statusCode, 409)
    t.equal(json(res).code, 'HERALD_BRAND_PAUSED')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [p.id]))[0].n, 0)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incident_steps s JOIN incidents i ON i.id = s.incident_id WHERE i.playbook_id = $1', [p.id]))[0].n, 0)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'incident.opened' AND data->'incident'->>'playbookId' = $1", [p.id]))[0].n, 0)
    await h.inject({ method: 'POST', url: `/v1/brands/${brand2.id}/resume`, headers: bearer(a.token) })
  })

  t.test('acknowledge, commander, status, steps (breached or not), notes, resolve', async (t) => {
    const manager = await addMember(h, a, 'manager', [brand.id])
    const creator = await addMember(h, a, 'creator')
    const p = await createPlaybook(h, a)
    const inc = json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev2', commanderId: manager.membershipId }))
    t.equal(inc.commanderId, manager.membershipId)

    const ack = await post(manager, `/${inc.id}/acknowledge`)
    t.equal(ack.statusCode, 200, ack.body)
    const acknowledgedAt = json(ack).acknowledgedAt
    t.ok(acknowledgedAt)
    t.equal(json(await post(a, `/${inc.id}/acknowledge`)).acknowledgedAt, acknowledgedAt, 'the first acknowledgement counts')

    const unfit = await h.inject({ method: 'PATCH', url: url(`/${inc.id}`), headers: bearer(a.token), payload: { commanderId: (await addMember(h, a, 'manager', [brand2.id])).membershipId } })
    t.equal(unfit.statusCode, 422, 'the commander must be able to work on the brand')
    t.equal((await h.inject({ method: 'PATCH', url: url(`/${inc.id}`), headers: bearer(a.token), payload: { severity: 'sev9' } })).statusCode, 422)
    const patched = await h.inject({ method: 'PATCH', url: url(`/${inc.id}`), headers: bearer(a.token), payload: { commanderId: creator.membershipId, status: 'monitoring', severity: 'sev1' } })
    t.equal(patched.statusCode, 200, patched.body)
    t.match(json(patched), { commanderId: creator.membershipId, status: 'monitoring', severity: 'sev1' })
    t.equal((await h.inject({ method: 'PATCH', url: url(`/${inc.id}`), headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { status: 'active' } })).statusCode, 412)
    t.equal((await h.inject({ method: 'PATCH', url: url(`/${inc.id}`), headers: bearer(a.token), payload: { status: 'resolved' } })).statusCode, 400, 'resolving takes a summary')

    // Step 1 on time; step 2 after its target (its due time moved into the past).
    const [s1, s2] = inc.checklist
    const done1 = json(await post(manager, `/${inc.id}/steps/${s1.id}/complete`))
    t.match(done1.checklist[0], { completedBy: { type: 'member', id: manager.membershipId }, breached: false })
    t.equal((await post(manager, `/${inc.id}/steps/${s1.id}/complete`)).statusCode, 409, 'once')
    await h.sql("UPDATE incident_steps SET due_at = now() - interval '1 minute' WHERE id = $1", [s2.id])
    t.equal(json(await h.inject({ method: 'GET', url: url(`/${inc.id}`), headers: bearer(a.token) })).checklist[1].overdue, true)
    const overdue = await h.app.crisisTimers.stepOverdue()
    t.same(overdue, [s2.id])
    t.same(await h.app.crisisTimers.stepOverdue(), [], 'step_overdue is raised once')
    const done2 = json(await post(a, `/${inc.id}/steps/${s2.id}/complete`))
    t.match(done2.checklist[1], { breached: true, overdue: false })
    t.equal((await post(a, `/${inc.id}/steps/00000000-0000-4000-8000-000000000000/complete`)).statusCode, 404)

    const note = await post(manager, `/${inc.id}/notes`, { body: 'Client confirmed the recall.' })
    t.equal(note.statusCode, 201, note.body)
    t.match(json(note), { kind: 'note', body: 'Client confirmed the recall.', actor: { id: manager.membershipId } })

    const resolved = await post(a, `/${inc.id}/resolve`, { summary: 'Recall handled; sentiment back to normal.' })
    t.equal(resolved.statusCode, 200, resolved.body)
    t.match(json(resolved), { status: 'resolved', summary: 'Recall handled; sentiment back to normal.' })
    t.ok(json(resolved).resolvedAt)
    t.equal((await post(a, `/${inc.id}/resolve`, { summary: 'again' })).statusCode, 409)
    t.equal((await post(a, `/${inc.id}/acknowledge`)).statusCode, 409)
    const kinds = json(await h.inject({ method: 'GET', url: url(`/${inc.id}/timeline`), headers: bearer(a.token) })).data.map((e: any) => e.kind)
    t.same(kinds, ['opened', 'acknowledged', 'commander_assigned', 'status_changed', 'severity_changed', 'step_completed', 'step_overdue', 'step_completed', 'note', 'resolved'])
    const types = (await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [inc.id])).map((e: any) => e.type)
    t.same(types, ['incident.opened', 'incident.acknowledged', 'incident.updated', 'incident.step_completed', 'incident.step_overdue', 'incident.step_completed', 'incident.note_added', 'incident.resolved'])
    const reopened = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev2' })
    t.equal(reopened.statusCode, 201, 'after resolution, activating opens a new incident')

    const list = json(await h.inject({ method: 'GET', url: url(`?playbookId=${p.id}&status=resolved`), headers: bearer(a.token) }))
    t.same(list.data.map((i: any) => i.id), [inc.id])
  })

  t.test('activation refusals: brand not covered, unknown severity, manual off', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id] })
    const notCovered = await activate(h, a, p.id, { brandId: brand2.id, severity: 'sev1' })
    t.equal(notCovered.statusCode, 422)
    t.equal(json(notCovered).errors[0].path, 'brandId')
    t.equal(json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev9' })).errors[0].path, 'severity')
    const auto = await createPlaybook(h, a, { triggers: { manual: false, metricRules: [{ metric: 'negative_mentions', threshold: 50, windowMinutes: 60 }] } })
    t.equal((await activate(h, a, auto.id, { brandId: brand.id, severity: 'sev1' })).statusCode, 422)
    for (const [payload, path] of [[{ severity: 'sev1' }, 'brandId'], [{ brandId: 'x', severity: 'sev1' }, 'brandId'], [{ brandId: brand.id }, 'severity'], [{ brandId: brand.id, severity: 'sev1', extra: 1 }, 'extra'], [{ brandId: brand.id, severity: 'x'.repeat(51) }, 'severity']] as const) {
      const res = await activate(h, a, p.id, payload)
      t.equal(res.statusCode, 400)
      t.ok(json(res).errors.some((e: any) => e.path === path), path)
    }
    t.equal((await activate(h, a, p.id, { brandId: bBrand.id, severity: 'sev1' })).statusCode, 404, "another tenant's brand")
    t.equal((await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1', commanderId: '00000000-0000-4000-8000-000000000000' })).statusCode, 404)
    t.equal((await activate(h, a, '00000000-0000-4000-8000-000000000000', { brandId: brand.id, severity: 'sev1' })).statusCode, 404)
    t.equal((await post(a, '/nope/acknowledge')).statusCode, 400)
    t.equal((await post(a, '/00000000-0000-4000-8000-000000000000/acknowledge')).statusCode, 404)
    const huge = await h.inject({ method: 'POST', url: url('/00000000-0000-4000-8000-000000000000/notes'), headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ body: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
    t.equal((await post(a, '/00000000-0000-4000-8000-000000000000/notes', { body: 'x'.repeat(10001) })).statusCode, 400)
  })

  t.test('roles and scopes; clients see incidents only when the playbook informs them; tenants', async (t) => {
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const quiet = await createPlaybook(h, a)
    const informing = await createPlaybook(h, a, { informClients: true })
    const q = json(await activate(h, a, quiet.id, { brandId: brand.id, severity: 'sev2' }))
    const i = json(await activate(h, a, informing.id, { brandId: brand.id, severity: 'sev2' }))
    for (const s of [creator, analyst, client]) {
      t.equal((await activate(h, s, quiet.id, { brandId: brand.id, severity: 'sev2' })).statusCode, 403)
      t.equal((await post(s, `/${i.id}/acknowledge`)).statusCode, 403)
      t.equal((await post(s, `/${i.id}/notes`, { body: 'hi' })).statusCode, 403)
      t.equal((await post(s, `/${i.id}/resolve`, { summary: 'done' })).statusCode, 403)
      t.equal((await h.inject({ method: 'PATCH', url: url(`/${i.id}`), headers: bearer(s.token), payload: { status: 'monitoring' } })).statusCode, 403)
    }
    for (const s of [creator, analyst]) t.equal((await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(s.token) })).statusCode, 200)
    t.equal((await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(client.token) })).statusCode, 404, 'not informed')
    t.equal((await h.inject({ method: 'GET', url: url(`/${i.id}`), headers: bearer(client.token) })).statusCode, 200, 'informed')
    t.same(json(await h.inject({ method: 'GET', url: url(), headers: bearer(client.token) })).data.map((x: any) => x.id), [i.id])

    const reader = await createApiKey(h, a, ['incidents:read'])
    t.equal((await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(reader.secret) })).statusCode, 200)
    t.match(json(await post({ token: reader.secret }, `/${q.id}/acknowledge`)), { code: 'HERALD_FORBIDDEN', missingScope: 'incidents:write' })
    const crisisOnly = await createApiKey(h, a, ['crisis:read', 'crisis:write'])
    t.match(json(await activate(h, { token: crisisOnly.secret }, quiet.id, { brandId: brand2.id, severity: 'sev2' })), { missingScope: 'incidents:write' })
    const integration = await createApiKey(h, a, ['crisis:read', 'incidents:read', 'incidents:write'])
    const byKey = await activate(h, { token: integration.secret }, quiet.id, { brandId: brand2.id, severity: 'sev2' })
    t.equal(byKey.statusCode, 201, 'a key with incidents:write activates')
    t.equal(json(byKey).commanderId, null, 'a key is no commander')
    const limited = await createApiKey(h, a, ['crisis:read', 'incidents:read', 'incidents:write'], [brand2.id])
    t.equal((await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(limited.secret) })).statusCode, 404)

    t.equal((await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(b.token) })).statusCode, 404)
    t.equal((await post(b, `/${q.id}/resolve`, { summary: 'mine' })).statusCode, 404)
    t.notOk(json(await h.inject({ method: 'GET', url: url(), headers: bearer(b.token) })).data.some((x: any) => x.id === q.id))
    t.equal(json(await h.inject({ method: 'GET', url: url(`/${q.id}`), headers: bearer(a.token) })).status, 'active', 'unchanged')
  })
})
