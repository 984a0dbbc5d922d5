import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'
import { createItem, reviewer, socialAccount } from '../factories-content.js'
import { activate, createPlaybook } from '../factories-crisis.js'

// A playbook's stricter approval policy for an incident's duration: on activation the brand's
// new approval requests follow its steps (requests already open keep theirs); on resolution the
// brand's own policy applies again; a failed activation leaves no override behind.

t.test('the stricter approval policy while an incident is open', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'crisis-policy')
  const brand = await createBrand(h, a, 'Lumen')
  const other = await createBrand(h, a, 'Other brand')
  const accounts: Record<string, string> = { [brand.id]: await socialAccount(h, a.orgId, brand.id, 'x'), [other.id]: await socialAccount(h, a.orgId, other.id, 'x') }
  const manager = await reviewer(h, a)
  const legal = await addMember(h, a, 'admin')
  const stricter = {
    name: 'Crisis review',
    steps: [
      { name: 'Manager review', roles: ['manager'], mode: 'any' },
      { name: 'Legal', memberIds: [legal.membershipId], mode: 'all' }
    ]
  }

  const submit = async (brandId = brand.id) => {
    const item = await createItem(h, a, { brandId, body: 'Hello', targets: [{ socialAccountId: accounts[brandId] }] })
    const res = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/submit`, headers: bearer(a.token) })
    if (res.statusCode !== 200) throw new Error(`submit failed: ${res.statusCode} ${res.body}`)
    return item.id as string
  }
  const requestOf = async (itemId: string) => {
    const res = await h.inject({ method: 'GET', url: `/v1/approval-requests?contentItemId=${itemId}`, headers: bearer(a.token) })
    if (res.statusCode !== 200 || json(res).data.length !== 1) throw new Error(`no approval request: ${res.statusCode} ${res.body}`)
    return json(res).data[0]
  }
  const stepNames = (req: any) => req.steps.map((s: any) => s.name)
  const decide = async (who: { token: string }, requestId: string) =>
    await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: bearer(who.token), payload: { decision: 'approve' } })
  const timelineKinds = async (incidentId: string) =>
    json(await h.inject({ method: 'GET', url: `/v1/incidents/${incidentId}/timeline?limit=100`, headers: bearer(a.token) })).data.map((e: any) => e.kind)

  t.test('the playbook stores the template; bad templates are refused naming the field', async (t) => {
    const p = await createPlaybook(h, a, { incidentApprovalPolicy: stricter })
    t.same(p.incidentApprovalPolicy, {
      name: 'Crisis review',
      steps: [
        { name: 'Manager review', roles: ['manager'], memberIds: [], mode: 'any' },
        { name: 'Legal', roles: [], memberIds: [legal.membershipId], mode: 'all' }
      ]
    })
    t.equal((await createPlaybook(h, a)).incidentApprovalPolicy, null, 'none by default')
    const post = (incidentApprovalPolicy: unknown) => h.inject({ method: 'POST', url: '/v1/crisis-playbooks', headers: bearer(a.token), payload: { name: 'x', severityLevels: [{ level: 'sev1', definition: 'x' }], incidentApprovalPolicy } })
    for (const [bad, path] of [
      [{ name: 'x', steps: [] }, 'incidentApprovalPolicy/steps'],
      [{ name: 'x', steps: [{ name: 'Nobody', mode: 'any' }] }, 'incidentApprovalPolicy/steps/0'],
      [{ name: 'x', steps: [{ name: 'x', roles: ['pope'], mode: 'any' }] }, 'incidentApprovalPolicy/steps/0/roles/0'],
      [{ name: '', steps: stricter.steps }, 'incidentApprovalPolicy/name'],
      [{ steps: stricter.steps }, 'incidentApprovalPolicy/name'],
      ['Crisis review', 'incidentApprovalPolicy'],
      [{ name: 'x'.repeat(201), steps: stricter.steps }, 'incidentApprovalPolicy/name'],
      [{ name: 'x', steps: Array.from({ length: 11 }, (_, i) => ({ name: `Step ${i}`, roles: ['manager'], mode: 'any' })) }, 'incidentApprovalPolicy/steps'],
      [{ name: 'x', steps: stricter.steps, extra: true }, 'incidentApprovalPolicy/extra']
    ] as const) {
      const res = await post(bad)
      t.equal(res.statusCode, 400, `${JSON.stringify(bad)}: ${res.body}`)
      t.ok(json(res).errors.some((e: any) => e.path === path), `${path} in ${res.body}`)
    }
    const unknown = await post({ name: 'x', steps: [{ name: 'Ghost', memberIds: ['00000000-0000-4000-8000-000000000000'], mode: 'any' }] })
    t.equal(unknown.statusCode, 404, unknown.body)
    t.same(json(unknown).errors, [{ path: 'incidentApprovalPolicy/steps/0/memberIds/0', message: 'unknown member' }])
    const patched = await h.inject({ method: 'PATCH', url: `/v1/crisis-playbooks/${p.id}`, headers: bearer(a.token), payload: { incidentApprovalPolicy: null } })
    t.equal(patched.statusCode, 200, patched.body)
    t.match(json(patched), { incidentApprovalPolicy: null, version: 2 })
  })

  t.test('during the incident a submission follows the stricter steps; after resolve the brand policy applies', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id, other.id], incidentApprovalPolicy: stricter })
    const before = await submit()
    t.same(stepNames(await requestOf(before)), ['Internal review'], 'the brand default before the incident')

    const opened = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' })
    t.equal(opened.statusCode, 201, opened.body)
    const inc = json(opened)
    t.ok((await timelineKinds(inc.id)).includes('approval_policy_switched'))

    const during = await submit()
    const req = await requestOf(during)
    t.match(req, { policyId: null, policyName: 'Crisis review', status: 'open', currentStep: 0 })
    t.same(stepNames(req), ['Manager review', 'Legal'])
    t.same(stepNames(await requestOf(await submit(other.id))), ['Internal review'], 'only the incident\'s brand is switched')

    // The request opened before the incident keeps its one step: the manager's approval completes it.
    const old = await requestOf(before)
    t.equal((await decide(manager, old.id)).statusCode, 201)
    t.match(await requestOf(before), { status: 'approved', policyName: 'Internal review' })

    // The stricter one needs the manager, then legal.
    t.equal((await decide(manager, req.id)).statusCode, 201)
    t.match(await requestOf(during), { status: 'open', currentStep: 1 })
    t.equal((await decide(legal, req.id)).statusCode, 201)
    t.match(await requestOf(during), { status: 'approved' })

    const again = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' })
    t.equal(again.statusCode, 200, 'activating again returns the open incident')
    const events = await h.sql("SELECT type, data FROM events WHERE brand_id = $1 AND type LIKE 'approval_policy.override_%' ORDER BY seq", [brand.id])
    t.match(events, [{ type: 'approval_policy.override_started', data: { override: { name: 'Crisis review', sourceType: 'incident', sourceId: inc.id, endedAt: null } } }], 'switched once')
    const [openedEvent] = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'incident.opened'", [inc.id])
    t.match(openedEvent.data.approvalPolicyOverride, { name: 'Crisis review', steps: [{ name: 'Manager review' }, { name: 'Legal' }] })

    // A request still open at resolution keeps the stricter steps.
    const pending = await submit()
    const resolved = await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/resolve`, headers: bearer(a.token), payload: { summary: 'Done.' } })
    t.equal(resolved.statusCode, 200, resolved.body)
    const after = await submit()
    t.match(await requestOf(after), { policyName: 'Internal review', policyId: (await h.sql('SELECT approval_policy_id FROM brands WHERE id = $1', [brand.id]))[0].approval_policy_id })
    t.same(stepNames(await requestOf(pending)), ['Manager review', 'Legal'], 'a request open at resolution keeps its steps')
    const kinds = await timelineKinds(inc.id)
    t.same(kinds.slice(-2), ['approval_policy_restored', 'resolved'])
    const ended = await h.sql("SELECT type, data FROM events WHERE brand_id = $1 AND type = 'approval_policy.override_ended'", [brand.id])
    t.equal(ended.length, 1)
    t.ok(ended[0].data.override.endedAt)
    const [resolvedEvent] = await h.sql("SELECT actor_type, data FROM events WHERE subject_id = $1 AND type = 'incident.resolved'", [inc.id])
    t.match(resolvedEvent.data.approvalPolicyOverrideEnded, { name: 'Crisis review' })
  })

  t.test('two incidents on one brand: the latest policy applies, resolving it restores the other', async (t) => {
    const first = await createPlaybook(h, a, { brandIds: [brand.id], incidentApprovalPolicy: { name: 'First crisis', steps: [{ name: 'Legal first', memberIds: [legal.membershipId], mode: 'any' }] } })
    const second = await createPlaybook(h, a, { brandIds: [brand.id], incidentApprovalPolicy: { name: 'Second crisis', steps: [{ name: 'Manager and legal', roles: ['manager', 'admin'], mode: 'all' }] } })
    const i1 = json(await activate(h, a, first.id, { brandId: brand.id, severity: 'sev1' }))
    const i2 = json(await activate(h, a, second.id, { brandId: brand.id, severity: 'sev1' }))
    t.equal((await requestOf(await submit())).policyName, 'Second crisis')
    await h.inject({ method: 'POST', url: `/v1/incidents/${i2.id}/resolve`, headers: bearer(a.token), payload: { summary: 'ok' } })
    t.equal((await requestOf(await submit())).policyName, 'First crisis', 'the other incident is still open')
    await h.inject({ method: 'POST', url: `/v1/incidents/${i1.id}/resolve`, headers: bearer(a.token), payload: { summary: 'ok' } })
    t.equal((await requestOf(await submit())).policyName, 'Internal review')
  })

  t.test('a failure midway leaves no half state: no incident, no pause, no switched policy', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id], pausePublishing: true, incidentApprovalPolicy: stricter })
    // Fail activation after the policy switch was written (on its timeline entry, the next write).
    await h.sql(`CREATE FUNCTION test_fail_switch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure after the policy switch'; END $$`)
    await h.sql("CREATE TRIGGER test_fail_switch BEFORE INSERT ON incident_entries FOR EACH ROW WHEN (NEW.kind = 'approval_policy_switched') EXECUTE FUNCTION test_fail_switch()")
    try {
      const res = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' })
      t.equal(res.statusCode, 500, res.body)
    } finally {
      await h.sql('DROP TRIGGER test_fail_switch ON incident_entries')
      await h.sql('DROP FUNCTION test_fail_switch()')
    }
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [p.id]))[0].n, 0, 'no incident')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM brand_pauses WHERE brand_id = $1 AND ended_at IS NULL', [brand.id]))[0].n, 0, 'no pause')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policy_overrides WHERE brand_id = $1 AND ended_at IS NULL', [brand.id]))[0].n, 0, 'no override in force')
    t.same(json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}/pause`, headers: bearer(a.token) })), { pause: null }, 'the brand is not paused')
    t.equal((await requestOf(await submit())).policyName, 'Internal review', 'submissions follow the brand policy')
    // And once the failure is gone, activation switches as usual.
    const ok = await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' })
    t.equal(ok.statusCode, 201, ok.body)
    t.equal((await requestOf(await submit())).policyName, 'Crisis review')
    await h.inject({ method: 'POST', url: `/v1/incidents/${json(ok).id}/resolve`, headers: bearer(a.token), payload: { summary: 'ok' } })
  })

  t.test('GraphQL: the playbook\'s incidentApprovalPolicy is written and read', async (t) => {
    const gql = async (query: string, variables: Record<string, unknown> = {}) => json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query, variables } }))
    const made = await gql('mutation ($input: CreateCrisisPlaybookInput!) { createCrisisPlaybook(input: $input) { id incidentApprovalPolicy { name steps { name roles memberIds mode } } } }', {
      input: { name: 'GraphQL playbook', severityLevels: [{ level: 'sev1', definition: 'x' }], incidentApprovalPolicy: { name: 'Crisis review', steps: [{ name: 'Legal', memberIds: [legal.membershipId], mode: 'all' }] } }
    })
    t.notOk(made.errors, JSON.stringify(made.errors))
    t.same(made.data.createCrisisPlaybook.incidentApprovalPolicy, { name: 'Crisis review', steps: [{ name: 'Legal', roles: [], memberIds: [legal.membershipId], mode: 'all' }] })
    const cleared = await gql('mutation ($id: ID!) { updateCrisisPlaybook(id: $id, input: { incidentApprovalPolicy: null }) { incidentApprovalPolicy { name } version } }', { id: made.data.createCrisisPlaybook.id })
    t.notOk(cleared.errors, JSON.stringify(cleared.errors))
    t.same(cleared.data.updateCrisisPlaybook, { incidentApprovalPolicy: null, version: 2 })
  })
})
