import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { activate, createPlaybook, playbookBody } from '../factories-crisis.js'

t.test('crisis playbooks', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'cp-a')
  const b = await signup(h, 'cp-b')
  const brand = await createBrand(h, a, 'Lumen')
  const brand2 = await createBrand(h, a, 'Other')
  const bBrand = await createBrand(h, b, 'Theirs')
  const url = (rest = '') => `/v1/crisis-playbooks${rest}`

  t.test('create, read, change (each change a version), versions, delete; events', async (t) => {
    const res = await h.inject({ method: 'POST', url: url(), headers: bearer(a.token), payload: playbookBody({ name: 'Recall', brandIds: [brand.id], pausePublishing: true, onResolve: 'reschedule' }) })
    t.equal(res.statusCode, 201, res.body)
    const p = json(res)
    t.match(p, {
      name: 'Recall',
      brandIds: [brand.id],
      severityLevels: [{ level: 'sev1' }, { level: 'sev2' }],
      triggers: { manual: true, metricRules: [] },
      steps: [{ title: 'Confirm the facts', ownerRole: 'manager', responseTargetMinutes: 15, instructions: 'Call the client contact.' }, { title: 'Post the holding statement', instructions: '' }],
      holdingStatements: [{ platform: 'x' }],
      escalationContacts: [{ name: 'Client PR lead' }],
      internalChannels: [{ kind: 'slack', target: '#crisis-room' }],
      pausePublishing: true,
      onResolve: 'reschedule',
      incidentApprovalPolicy: null,
      informClients: false,
      reviewCadenceDays: 90,
      reviewDue: false,
      version: 1
    })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, url(`/${p.id}`))
    t.equal(new Date(p.reviewDueAt).getTime() - new Date(p.reviewedAt).getTime(), 90 * 86_400_000)

    const stale = await h.inject({ method: 'PATCH', url: url(`/${p.id}`), headers: { ...bearer(a.token), 'if-match': '"7"' }, payload: { name: 'x' } })
    t.equal(stale.statusCode, 412)
    const changed = await h.inject({ method: 'PATCH', url: url(`/${p.id}`), headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'Recall v2', steps: [{ title: 'Only step', responseTargetMinutes: 5 }] } })
    t.equal(changed.statusCode, 200, changed.body)
    t.match(json(changed), { name: 'Recall v2', version: 2, steps: [{ title: 'Only step' }], pausePublishing: true })
    const versions = json(await h.inject({ method: 'GET', url: url(`/${p.id}/versions`), headers: bearer(a.token) }))
    t.same(versions.data.map((v: any) => [v.version, v.definition.name, v.definition.steps.length]), [[1, 'Recall', 2], [2, 'Recall v2', 1]])
    t.match(versions.data[1].createdBy, { type: 'member', id: a.membershipId })
    t.equal(json(await h.inject({ method: 'GET', url: url(`/${p.id}/versions/1`), headers: bearer(a.token) })).definition.name, 'Recall')
    t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}/versions/3`), headers: bearer(a.token) })).statusCode, 404)
    const got = await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(a.token) })
    t.equal(got.headers.etag, '"2"')
    t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: { ...bearer(a.token), 'if-none-match': '"2"' } })).statusCode, 304)

    const list = json(await h.inject({ method: 'GET', url: url(`?brandId=${brand2.id}`), headers: bearer(a.token) }))
    t.notOk(list.data.some((x: any) => x.id === p.id), 'a playbook for one brand does not cover another')
    t.ok(json(await h.inject({ method: 'GET', url: url(`?brandId=${brand.id}`), headers: bearer(a.token) })).data.some((x: any) => x.id === p.id))

    const ev = await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [p.id])
    t.same(ev.map((e: any) => e.type), ['crisis_playbook.created', 'crisis_playbook.updated'])
    t.equal((await h.inject({ method: 'DELETE', url: url(`/${p.id}`), headers: { ...bearer(a.token), 'if-match': '"1"' } })).statusCode, 412)
    t.equal((await h.inject({ method: 'DELETE', url: url(`/${p.id}`), headers: bearer(a.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(a.token) })).statusCode, 404)
  })

  t.test('an incident keeps the version it was opened from; a playbook with incidents is kept', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id] })
    const opened = json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev2' }))
    await h.inject({ method: 'PATCH', url: url(`/${p.id}`), headers: bearer(a.token), payload: { steps: [] } })
    const incident = json(await h.inject({ method: 'GET', url: `/v1/incidents/${opened.id}`, headers: bearer(a.token) }))
    t.equal(incident.playbookVersion, 1)
    t.equal(incident.checklist.length, 2, 'the checklist of version 1')
    const del = await h.inject({ method: 'DELETE', url: url(`/${p.id}`), headers: bearer(a.token) })
    t.equal(del.statusCode, 409)
    t.equal(json(del).code, 'HERALD_IN_USE')
  })

  t.test('review cadence: due, announced once per period, reviewed', async (t) => {
    const p = await createPlaybook(h, a, { reviewCadenceDays: 1 })
    await h.sql("UPDATE crisis_playbooks SET reviewed_at = now() - interval '2 days' WHERE id = $1", [p.id])
    const due = json(await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(a.token) }))
    t.equal(due.reviewDue, true)
    t.ok(json(await h.inject({ method: 'GET', url: url('?reviewDue=true'), headers: bearer(a.token) })).data.some((x: any) => x.id === p.id))
    t.notOk(json(await h.inject({ method: 'GET', url: url('?reviewDue=false'), headers: bearer(a.token) })).data.some((x: any) => x.id === p.id))
    const first = await h.app.crisisTimers.reviewDue()
    const second = await h.app.crisisTimers.reviewDue()
    t.ok(first.includes(p.id))
    t.notOk(second.includes(p.id), 'once per period')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'playbook.review_due'", [p.id]))[0].n, 1)
    const reviewed = await h.inject({ method: 'POST', url: url(`/${p.id}/review`), headers: bearer(a.token) })
    t.equal(reviewed.statusCode, 200, reviewed.body)
    t.match(json(reviewed), { reviewDue: false, version: 1 })
    await h.sql("UPDATE crisis_playbooks SET reviewed_at = now() - interval '2 days' WHERE id = $1", [p.id])
    t.ok((await h.app.crisisTimers.reviewDue()).includes(p.id), 'a new period is announced again')
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const cases: Array<[object, string]> = [
      [playbookBody({ name: '' }), 'name'],
      [playbookBody({ name: 'x'.repeat(201) }), 'name'],
      [playbookBody({ severityLevels: [] }), 'severityLevels'],
      [playbookBody({ severityLevels: [{ level: 'a', definition: 'x' }, { level: 'a', definition: 'y' }] }), 'severityLevels'],
      [playbookBody({ steps: [{ title: 'T', responseTargetMinutes: 0 }] }), 'steps/0/responseTargetMinutes'],
      [playbookBody({ steps: [{ title: 'T', responseTargetMinutes: 'soon' }] }), 'steps/0/responseTargetMinutes'],
      [playbookBody({ steps: [{ title: 'T', responseTargetMinutes: 5, ownerRole: 'boss' }] }), 'steps/0/ownerRole'],
      [playbookBody({ holdingStatements: [{ platform: 'myspace', body: 'x' }] }), 'holdingStatements/0/platform'],
      [playbookBody({ triggers: { metricRules: [{ metric: 'vibes', threshold: 1, windowMinutes: 60 }] } }), 'triggers/metricRules/0/metric'],
      [playbookBody({ triggers: { metricRules: [{ metric: 'negative_mentions', threshold: 50, windowMinutes: 60, severity: 'sev9' }] } }), 'triggers/metricRules/0/severity'],
      [playbookBody({ reviewCadenceDays: 0 }), 'reviewCadenceDays'],
      [playbookBody({ brandIds: ['nope'] }), 'brandIds/0'],
      [playbookBody({ surprise: true }), 'surprise'],
      [{ scenario: 'no name' }, 'name']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url: url(), headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 200))
      t.ok(json(res).errors.some((e: any) => e.path === path), `${path}: ${res.body.slice(0, 300)}`)
    }
    const unknownBrand = await h.inject({ method: 'POST', url: url(), headers: bearer(a.token), payload: playbookBody({ brandIds: ['00000000-0000-4000-8000-000000000000'] }) })
    t.equal(unknownBrand.statusCode, 404)
    t.equal(json(unknownBrand).errors[0].path, 'brandIds/0')
    t.equal((await h.inject({ method: 'POST', url: url(), headers: bearer(a.token), payload: playbookBody({ brandIds: [bBrand.id] }) })).statusCode, 404, "another tenant's brand")
    t.equal((await h.inject({ method: 'POST', url: url(), headers: bearer(a.token), payload: playbookBody({ steps: [{ title: 'T', responseTargetMinutes: 5, ownerMemberId: '00000000-0000-4000-8000-000000000000' }] }) })).statusCode, 404)
    const p = await createPlaybook(h, a)
    const patch = await h.inject({ method: 'PATCH', url: url(`/${p.id}`), headers: bearer(a.token), payload: { severityLevels: [] } })
    t.equal(patch.statusCode, 400)
    const huge = await h.inject({ method: 'POST', url: url(), headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify(playbookBody({ scenario: 'x'.repeat(1024 * 1024) })) })
    t.equal(huge.statusCode, 413)
    t.equal((await h.inject({ method: 'GET', url: url('/nope'), headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: url('/00000000-0000-4000-8000-000000000000'), headers: bearer(a.token) })).statusCode, 404)
  })

  t.test("another tenant's playbooks are 404 and unchanged", async (t) => {
    const theirs = await createPlaybook(h, b)
    t.equal((await h.inject({ method: 'GET', url: url(`/${theirs.id}`), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'PATCH', url: url(`/${theirs.id}`), headers: bearer(a.token), payload: { name: 'mine' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: url(`/${theirs.id}`), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await activate(h, a, theirs.id, { brandId: brand.id, severity: 'sev1' })).statusCode, 404)
    t.notOk(json(await h.inject({ method: 'GET', url: url(), headers: bearer(a.token) })).data.some((x: any) => x.id === theirs.id))
    t.equal(json(await h.inject({ method: 'GET', url: url(`/${theirs.id}`), headers: bearer(b.token) })).name, theirs.name)
  })

  t.test('roles and scopes: managers prepare, creators and analysts read, clients do not', async (t) => {
    const manager = await addMember(h, a, 'manager')
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const p = await createPlaybook(h, manager)
    for (const s of [creator, analyst]) {
      t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(s.token) })).statusCode, 200)
      const denied = await h.inject({ method: 'POST', url: url(), headers: bearer(s.token), payload: playbookBody() })
      t.equal(denied.statusCode, 403)
      t.equal((await h.inject({ method: 'PATCH', url: url(`/${p.id}`), headers: bearer(s.token), payload: { name: 'x' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: url(`/${p.id}`), headers: bearer(s.token) })).statusCode, 403)
      t.equal((await h.inject({ method: 'POST', url: url(`/${p.id}/review`), headers: bearer(s.token) })).statusCode, 403)
    }
    t.equal((await h.inject({ method: 'GET', url: url(), headers: bearer(client.token) })).statusCode, 403)
    const reader = await createApiKey(h, a, ['crisis:read'])
    t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(reader.secret) })).statusCode, 200)
    t.match(json(await h.inject({ method: 'POST', url: url(), headers: bearer(reader.secret), payload: playbookBody() })), { code: 'HERALD_FORBIDDEN', missingScope: 'crisis:write' })
    const other = await createApiKey(h, a, ['content:read'])
    t.match(json(await h.inject({ method: 'GET', url: url(), headers: bearer(other.secret) })), { missingScope: 'crisis:read' })
    const writer = await createApiKey(h, a, ['crisis:read', 'crisis:write'])
    t.equal((await h.inject({ method: 'POST', url: url(), headers: bearer(writer.secret), payload: playbookBody() })).statusCode, 201)
    const limited = await createApiKey(h, a, ['crisis:read', 'crisis:write'], [brand2.id])
    t.equal((await h.inject({ method: 'POST', url: url(), headers: bearer(limited.secret), payload: playbookBody() })).statusCode, 403, 'a brand-limited key cannot prepare a playbook for every brand')
    const own = await h.inject({ method: 'POST', url: url(), headers: bearer(limited.secret), payload: playbookBody({ brandIds: [brand2.id] }) })
    t.equal(own.statusCode, 201)
    t.equal((await h.inject({ method: 'GET', url: url(`/${p.id}`), headers: bearer(limited.secret) })).statusCode, 404, 'an all-brands playbook is not shown to a brand-limited key')
    t.same(json(await h.inject({ method: 'GET', url: url(), headers: bearer(limited.secret) })).data.map((x: any) => x.id), [json(own).id])
    const headers = { ...bearer(a.token), 'idempotency-key': 'playbook-1' }
    const body = playbookBody({ name: 'Idempotent' })
    const first = await h.inject({ method: 'POST', url: url(), headers, payload: body })
    const again = await h.inject({ method: 'POST', url: url(), headers, payload: body })
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
  })
})
