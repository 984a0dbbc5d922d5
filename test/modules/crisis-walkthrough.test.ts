// The README walk-through, through the API: a manager prepares a playbook, an incident opens
// (manual activation here; metric triggers open it the same way), the brand's queue is held
// (preview first), the commander posts the pre-approved statement, resolves, and the held
// posts are released. Then GraphQL reads the same incident.
import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, asOwner, socialAccount } from '../factories-content.js'
import { createPlaybook } from '../factories-crisis.js'
import { receiver } from '../webhook-receiver.js'

// A worker in the test app delivers webhooks to a receiver on 127.0.0.1.
const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' }

t.test('walk-through: incident → pause → holding statement → resolve → release', async (t) => {
  const h = await createTestApp(t, ENV)
  const owner = await signup(h, 'walk')
  const brand = await createBrand(h, owner, 'Lumen Coffee')
  // The agency's integration subscribes to the crisis' events.
  const rx = await receiver(t)
  const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['incident.*', 'brand.paused', 'brand.resumed'], brandId: brand.id } }))
  t.ok(hook.secret, 'subscribed')
  const x = await socialAccount(h, owner.orgId, brand.id, 'x')
  const manager = await addMember(h, owner, 'manager')
  const queued: string[] = []
  for (const hr of [2, 1]) {
    const item = await approvedItem(h, owner, brand.id, x, { scheduledAt: new Date(Date.now() + hr * 3_600_000).toISOString() })
    await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(owner.token) })
    queued.push(item.id)
  }

  const playbook = await createPlaybook(h, manager, {
    brandIds: [brand.id],
    pausePublishing: true,
    onResolve: 'release',
    incidentApprovalPolicy: { name: 'Crisis review', steps: [{ name: 'Manager review', roles: ['manager'], mode: 'any' }, { name: 'Legal', roles: ['admin'], mode: 'all' }] }
  })
  const preview = json(await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/pause`, headers: bearer(manager.token), payload: { reason: 'preview', dryRun: true } }))
  t.same(preview.heldItemIds, [queued[1], queued[0]], 'the preview lists the queue in the order it is due')

  const opened = await h.inject({ method: 'POST', url: `/v1/crisis-playbooks/${playbook.id}/activate`, headers: bearer(manager.token), payload: { brandId: brand.id, severity: 'sev1' } })
  t.equal(opened.statusCode, 201, opened.body)
  const incident = json(opened)
  const pause = json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}/pause`, headers: bearer(manager.token) })).pause
  t.same(pause.heldItemIds, preview.heldItemIds, 'held exactly what the preview said')

  // The commander posts the pre-approved statement.
  const at = new Date(Date.now() + 60_000).toISOString()
  const res = await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/statements`, headers: bearer(manager.token), payload: { platform: 'x', socialAccountIds: [x], scheduledAt: at } })
  t.equal(res.statusCode, 201, res.body)
  const statement = json(res)
  t.match(statement, { brandId: brand.id, status: 'scheduled', body: 'We are aware of the issue and are looking into it. More soon.', labels: ['crisis'] })
  const [request] = await h.sql('SELECT status, policy_name, revision FROM approval_requests WHERE content_item_id = $1', [statement.id])
  t.match(request, { status: 'approved', policy_name: /pre-approved holding statement/, revision: 1 })
  const [approvedEvent] = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.approved'", [statement.id])
  t.match(approvedEvent.data, { preApproved: true, incidentId: incident.id, playbookId: playbook.id, playbookVersion: 1 })
  // The statement is handed to the publisher despite the pause; the held posts are not.
  const handed = await asOwner(h, owner, async (ctx) => await h.app.contentItems.transition(ctx, statement.id, 'publishing', 'publisher'))
  t.equal(handed.status, 'publishing')
  await asOwner(h, owner, async (ctx) => await h.app.contentItems.transition(ctx, statement.id, 'published', 'publisher'))

  await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/acknowledge`, headers: bearer(manager.token) })
  const resolved = await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/resolve`, headers: bearer(manager.token), payload: { summary: 'Statement posted; recall handled.' } })
  t.equal(resolved.statusCode, 200, resolved.body)
  const statuses = await h.sql('SELECT id, status FROM content_items WHERE id = ANY($1)', [queued])
  t.same(statuses.map((r: any) => r.status), ['scheduled', 'scheduled'], 'held posts released')

  const types = (await h.sql("SELECT type FROM events WHERE brand_id = $1 AND (type LIKE 'incident.%' OR type IN ('brand.paused', 'brand.resumed')) ORDER BY seq", [brand.id])).map((e: any) => e.type)
  t.same(types, ['brand.paused', 'incident.opened', 'incident.statement_created', 'incident.acknowledged', 'brand.resumed', 'incident.resolved'], 'each step is an event')
  // ... and each reaches the subscriber as a signed webhook.
  await rx.until((got) => got.length >= types.length)
  const delivered = rx.got.map((r) => new Webhook(hook.secret).verify(r.body, r.headers as Record<string, string>) as { type: string, data: { brandId?: string } })
  t.same(delivered.map((d) => d.type).sort(), [...types].sort(), 'every step announced by a signed webhook, verified with standardwebhooks')
  const kinds = json(await h.inject({ method: 'GET', url: `/v1/incidents/${incident.id}/timeline`, headers: bearer(manager.token) })).data.map((e: any) => e.kind)
  t.same(kinds, ['opened', 'paused', 'approval_policy_switched', 'statement_created', 'acknowledged', 'resumed', 'approval_policy_restored', 'resolved'])
  const switched = (await h.sql("SELECT type FROM events WHERE brand_id = $1 AND type LIKE 'approval_policy.override_%' ORDER BY seq", [brand.id])).map((e: any) => e.type)
  t.same(switched, ['approval_policy.override_started', 'approval_policy.override_ended'], 'the stricter approval policy for the duration')

  t.test('statement refusals', async (t) => {
    const other = await createPlaybook(h, manager, { brandIds: [brand.id], holdingStatements: [] })
    const inc = json(await h.inject({ method: 'POST', url: `/v1/crisis-playbooks/${other.id}/activate`, headers: bearer(manager.token), payload: { brandId: brand.id, severity: 'sev2' } }))
    const none = await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/statements`, headers: bearer(manager.token), payload: { platform: 'x', socialAccountIds: [x] } })
    t.equal(none.statusCode, 422)
    t.equal(json(none).errors[0].path, 'platform')
    t.equal((await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/statements`, headers: bearer(manager.token), payload: { platform: 'x', socialAccountIds: [] } })).statusCode, 400)
    t.equal((await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/statements`, headers: bearer(manager.token), payload: { platform: 'fax', socialAccountIds: [x] } })).statusCode, 400)
    const creator = await addMember(h, owner, 'creator')
    t.equal((await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/statements`, headers: bearer(creator.token), payload: { platform: 'x', socialAccountIds: [x] } })).statusCode, 403)
    const key = await createApiKey(h, owner, ['incidents:write', 'incidents:read'])
    t.match(json(await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/statements`, headers: bearer(key.secret), payload: { platform: 'x', socialAccountIds: [x] } })), { missingScope: 'content:write' })
    t.equal((await h.inject({ method: 'POST', url: `/v1/incidents/${incident.id}/statements`, headers: bearer(manager.token), payload: { platform: 'x', socialAccountIds: [x] } })).statusCode, 409, 'a resolved incident posts nothing')
  })

  t.test('GraphQL: the same incident, playbook and pause', async (t) => {
    const gql = async (query: string, variables: Record<string, unknown> = {}) => json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(manager.token), payload: { query, variables } }))
    const read = await gql(`query ($id: ID!, $brandId: ID!) {
      incident(id: $id) { id status severity playbookVersion checklist { position title breached } }
      incidents(first: 5, brandId: $brandId, status: resolved) { edges { node { id } } }
      crisisPlaybooks(first: 10, brandId: $brandId) { edges { node { id name version reviewDue steps { title } } } }
      incidentTimeline(id: $id, first: 2) { edges { node { kind data } } pageInfo { hasNextPage } }
      brandPause(brandId: $brandId) { id }
    }`, { id: incident.id, brandId: brand.id })
    t.notOk(read.errors, JSON.stringify(read.errors))
    t.match(read.data.incident, { id: incident.id, status: 'resolved', severity: 'sev1', playbookVersion: 1, checklist: [{ position: 1 }, { position: 2 }] })
    t.same(read.data.incidents.edges.map((e: any) => e.node.id), [incident.id])
    t.ok(read.data.crisisPlaybooks.edges.some((e: any) => e.node.id === playbook.id))
    t.same(read.data.incidentTimeline.edges.map((e: any) => e.node.kind), ['opened', 'paused'])
    t.same(JSON.parse(read.data.incidentTimeline.edges[1].node.data).heldItemIds, pause.heldItemIds)
    t.equal(read.data.brandPause, null)

    const made = await gql('mutation ($input: CreateCrisisPlaybookInput!) { createCrisisPlaybook(input: $input) { id version brandIds } }', {
      input: { name: 'Outage', severityLevels: [{ level: 'major', definition: 'Down for everyone' }], brandIds: [brand.id], steps: [{ title: 'Tell the client', responseTargetMinutes: 10 }] }
    })
    t.notOk(made.errors, JSON.stringify(made.errors))
    const pid = made.data.createCrisisPlaybook.id
    const act = await gql('mutation ($id: ID!, $input: ActivateCrisisPlaybookInput!) { activateCrisisPlaybook(id: $id, input: $input) { opened incident { id status checklist { id title } } } }', { id: pid, input: { brandId: brand.id, severity: 'major' } })
    t.notOk(act.errors, JSON.stringify(act.errors))
    t.equal(act.data.activateCrisisPlaybook.opened, true)
    const again = await gql('mutation ($id: ID!, $input: ActivateCrisisPlaybookInput!) { activateCrisisPlaybook(id: $id, input: $input) { opened incident { id } } }', { id: pid, input: { brandId: brand.id, severity: 'major' } })
    t.same(again.data.activateCrisisPlaybook, { opened: false, incident: { id: act.data.activateCrisisPlaybook.incident.id } })
    const iid = act.data.activateCrisisPlaybook.incident.id
    const step = act.data.activateCrisisPlaybook.incident.checklist[0].id
    const done = await gql('mutation ($id: ID!, $step: ID!) { acknowledgeIncident(id: $id) { acknowledgedAt } completeIncidentStep(id: $id, stepId: $step) { checklist { breached completedBy { type id } } } addIncidentNote(id: $id, body: "Fixed") { kind } resolveIncident(id: $id, summary: "Back up") { status } }', { id: iid, step })
    t.notOk(done.errors, JSON.stringify(done.errors))
    t.match(done.data, { completeIncidentStep: { checklist: [{ breached: false, completedBy: { type: 'member', id: manager.membershipId } }] }, addIncidentNote: { kind: 'note' }, resolveIncident: { status: 'resolved' } })
    const bad = await gql('mutation ($id: ID!, $input: ActivateCrisisPlaybookInput!) { activateCrisisPlaybook(id: $id, input: $input) { opened } }', { id: pid, input: { brandId: brand.id, severity: 'minor' } })
    t.equal(bad.errors[0].extensions.code, 'HERALD_UNPROCESSABLE')
    const creator = await addMember(h, owner, 'creator')
    const denied = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(creator.token), payload: { query: `mutation { pauseBrand(brandId: "${brand.id}", input: { reason: "x", dryRun: true }) { dryRun } }` } }))
    t.equal(denied.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const dry = await gql('mutation ($b: ID!) { pauseBrand(brandId: $b, input: { reason: "x", dryRun: true }) { id dryRun heldItemIds } }', { b: brand.id })
    t.same(dry.data.pauseBrand, { id: null, dryRun: true, heldItemIds: [queued[1], queued[0]] })
  })
})
