import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, socialAccount } from '../factories-content.js'
import { createPlaybook } from '../factories-crisis.js'

t.test('metric triggers: a spike opens one incident', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'trig')
  const brand = await createBrand(h, a, 'Lumen')
  const quiet = await createBrand(h, a, 'Quiet')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const qx = await socialAccount(h, a.orgId, quiet.id, 'x')
  const key = await createApiKey(h, a, ['metrics:write'])
  // The points are for the current clock hour, and the rules sum the last 60 minutes: a run
  // that crossed into the next hour would see them slide out of the window. Start with at
  // least 30 s of this hour left.
  const leftOfHour = 3_600_000 - (Date.now() % 3_600_000)
  if (leftOfHour < 30_000) await new Promise((resolve) => setTimeout(resolve, leftOfHour + 200))
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString()
  const point = (account: string, value: number, metric = 'negative_mentions') => ({
    subjectType: 'social_account', subjectId: account, metric, granularity: 'hour', periodStart: hour, value, source: 'listening-tool', collectedAt: new Date().toISOString()
  })
  const ingest = (points: object[]) => h.inject({ method: 'POST', url: '/v1/metrics', headers: bearer(key.secret), payload: { points } })

  const queued = await approvedItem(h, a, brand.id, x, { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })
  await h.inject({ method: 'POST', url: `/v1/content-items/${queued.id}/schedule`, headers: bearer(a.token) })
  const playbook = await createPlaybook(h, a, {
    pausePublishing: true,
    triggers: { manual: true, metricRules: [{ metric: 'negative_mentions', threshold: 50, windowMinutes: 60, cooldownMinutes: 120, severity: 'sev2' }] }
  })
  const watchOnly = await createPlaybook(h, a, { brandIds: [brand.id], triggers: { metricRules: [{ metric: 'mentions', threshold: 10, windowMinutes: 60, activate: false }] } })

  t.test('below the threshold: nothing', async (t) => {
    t.equal((await ingest([point(x, 20)])).statusCode, 200)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'metrics.threshold_crossed'"))[0].n, 0)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents'))[0].n, 0)
  })

  t.test('crossing opens the incident as the system (with the pause); the spike in several requests opens one', async (t) => {
    const results = await Promise.all([ingest([point(x, 60)]), ingest([point(x, 80)]), ingest([point(x, 70), point(qx, 5)])])
    t.same(results.map((r) => r.statusCode), [200, 200, 200], results.map((r) => r.body).join())
    const incidents = await h.sql('SELECT id, brand_id, severity, opened_by, commander_id, pause_id FROM incidents WHERE playbook_id = $1', [playbook.id])
    t.equal(incidents.length, 1, 'one incident for the spike')
    t.match(incidents[0], { brand_id: brand.id, severity: 'sev2', opened_by: 'metric', commander_id: null })
    t.ok(incidents[0].pause_id, 'the playbook pauses publishing')
    t.equal((await h.sql('SELECT status FROM content_items WHERE id = $1', [queued.id]))[0].status, 'held')
    const crossed = await h.sql("SELECT actor_type, brand_id, data FROM events WHERE type = 'metrics.threshold_crossed'")
    t.equal(crossed.length, 1, 'damped by the cooldown')
    t.match(crossed[0], { actor_type: 'system', brand_id: brand.id, data: { playbookId: playbook.id, incidentId: incidents[0].id, rule: { metric: 'negative_mentions', threshold: 50 } } })
    t.ok(crossed[0].data.value >= 60)
    const opened = await h.sql("SELECT actor_type FROM events WHERE type = 'incident.opened' AND subject_id = $1", [incidents[0].id])
    t.same(opened, [{ actor_type: 'system' }])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE brand_id = $1', [quiet.id]))[0].n, 0, 'the quiet brand stays below')
  })

  t.test('after the cooldown the rule crosses again, but never opens a second incident while one is open', async (t) => {
    await h.sql("UPDATE crisis_trigger_states SET last_crossed_at = now() - interval '3 hours'")
    t.equal((await ingest([point(x, 90)])).statusCode, 200)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'metrics.threshold_crossed' AND subject_id = $1", [playbook.id]))[0].n, 2)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [playbook.id]))[0].n, 1)
  })

  t.test('a rule that only watches raises the event and opens nothing', async (t) => {
    t.equal((await ingest([point(x, 12, 'mentions')])).statusCode, 200)
    const crossed = await h.sql("SELECT data FROM events WHERE type = 'metrics.threshold_crossed' AND subject_id = $1", [watchOnly.id])
    t.equal(crossed.length, 1)
    t.equal(crossed[0].data.incidentId, null)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [watchOnly.id]))[0].n, 0)
    const list = json(await h.inject({ method: 'GET', url: `/v1/incidents?playbookId=${playbook.id}`, headers: bearer(a.token) }))
    t.match(list.data, [{ openedBy: 'metric', commanderId: null }])
  })
})
