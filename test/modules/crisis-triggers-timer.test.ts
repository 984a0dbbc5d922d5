import t from 'tap'
import { bearer, createTestApp } from '../helper.js'
import { createApiKey, createBrand, signup } from '../factories.js'
import { socialAccount } from '../factories-content.js'
import { createPlaybook } from '../factories-crisis.js'

// Metric rules on the timer (the crisis-timers job's metricWindows, called with a fixed `now`):
// a window that closes without new data is evaluated, a crossing is raised once per cooldown
// across concurrent workers, and never opens a second incident while one is open.

const HOUR = 3_600_000
const MIN = 60_000

t.test('metric rules evaluated on a timer', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'trig-timer')
  const brand = await createBrand(h, a, 'Lumen')
  const uncovered = await createBrand(h, a, 'Elsewhere')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const ux = await socialAccount(h, a.orgId, uncovered.id, 'x')
  const key = await createApiKey(h, a, ['metrics:write'])
  // Two days ago, on the hour: ingestion (which evaluates the window ending at the real now)
  // never sees these points; only the timer, run at instants of that day, does.
  const h0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR
  const at = (ms: number) => new Date(ms)
  const point = (account: string, periodStart: number, value: number) => ({
    subjectType: 'social_account', subjectId: account, metric: 'negative_mentions', granularity: 'hour', periodStart: new Date(periodStart).toISOString(), value, source: 'listening-tool', collectedAt: new Date().toISOString()
  })
  const ingest = async (points: object[]) => {
    const res = await h.inject({ method: 'POST', url: '/v1/metrics', headers: bearer(key.secret), payload: { points } })
    t.equal(res.statusCode, 200, res.body)
  }
  const crossedEvents = async () => await h.sql("SELECT actor_type, brand_id, data FROM events WHERE type = 'metrics.threshold_crossed' AND subject_id = $1 ORDER BY seq", [playbook.id])
  const incidentsOf = async () => await h.sql('SELECT id, brand_id, severity, opened_by, status FROM incidents WHERE playbook_id = $1', [playbook.id])

  const playbook = await createPlaybook(h, a, {
    brandIds: [brand.id],
    triggers: { manual: true, metricRules: [{ metric: 'negative_mentions', threshold: 50, windowMinutes: 120, cooldownMinutes: 120, severity: 'sev2' }] }
  })
  await ingest([point(x, h0, 30), point(x, h0 + HOUR, 25), point(ux, h0 + HOUR, 500)])

  t.test('ingestion of these points crosses nothing (its window ends now)', async (t) => {
    t.same(await crossedEvents(), [])
    t.same(await incidentsOf(), [])
  })

  t.test('a window below the threshold: nothing', async (t) => {
    t.same(await h.app.crisisTimers.metricWindows(at(h0 + 30 * MIN)), [], 'only the first hour (30) is in the window')
    t.same(await crossedEvents(), [])
  })

  t.test('the window reaching the threshold crosses once across concurrent workers and opens one incident', async (t) => {
    const now = at(h0 + HOUR + 30 * MIN)
    const runs = await Promise.all([h.app.crisisTimers.metricWindows(now), h.app.crisisTimers.metricWindows(now), h.app.crisisTimers.metricWindows(now)])
    const fired = runs.flat()
    t.equal(fired.length, 1, 'one worker claims the crossing')
    const incidents = await incidentsOf()
    t.equal(incidents.length, 1)
    t.match(incidents[0], { brand_id: brand.id, severity: 'sev2', opened_by: 'metric', status: 'active' })
    t.same(fired, [{ playbookId: playbook.id, brandId: brand.id, incidentId: incidents[0].id }])
    const events = await crossedEvents()
    t.equal(events.length, 1)
    t.match(events[0], { actor_type: 'system', brand_id: brand.id, data: { value: 55, incidentId: incidents[0].id, windowFrom: new Date(h0 - 30 * MIN).toISOString(), windowTo: now.toISOString() } })
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE brand_id = $1', [uncovered.id]))[0].n, 0, 'a brand the playbook does not cover is not evaluated')
  })

  t.test('within the cooldown: nothing; a window emptied of data: nothing', async (t) => {
    t.same(await h.app.crisisTimers.metricWindows(at(h0 + HOUR + 45 * MIN)), [])
    t.same(await h.app.crisisTimers.metricWindows(at(h0 + 4 * HOUR)), [], 'no point in the window')
    t.equal((await crossedEvents()).length, 1)
  })

  t.test('after the cooldown the rule crosses again, without a second incident', async (t) => {
    await ingest([point(x, h0 + 2 * HOUR, 50)])
    // Exactly the cooldown after the first crossing; the window holds the 50 of the third hour.
    const fired = await h.app.crisisTimers.metricWindows(at(h0 + 3 * HOUR + 30 * MIN))
    const incidents = await incidentsOf()
    t.equal(incidents.length, 1, 'the open incident is found, not a second one opened')
    t.same(fired, [{ playbookId: playbook.id, brandId: brand.id, incidentId: incidents[0].id }])
    t.equal((await crossedEvents()).length, 2)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'incident.opened' AND subject_id = $1", [incidents[0].id]))[0].n, 1)
  })

  t.test('one failing rule does not stop the others', async (t) => {
    // The brand is paused by hand: a playbook that pauses publishing cannot open its incident
    // (409 brand paused), but the other playbook's crossing is still raised.
    const pausing = await createPlaybook(h, a, { brandIds: [brand.id], pausePublishing: true, triggers: { metricRules: [{ metric: 'negative_mentions', threshold: 10, windowMinutes: 60, cooldownMinutes: 0 }] } })
    const watching = await createPlaybook(h, a, { brandIds: [brand.id], triggers: { metricRules: [{ metric: 'negative_mentions', threshold: 10, windowMinutes: 60, cooldownMinutes: 0, activate: false }] } })
    const paused = await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/pause`, headers: bearer(a.token), payload: { reason: 'Manual hold' } })
    t.equal(paused.statusCode, 201, paused.body)
    const fired = await h.app.crisisTimers.metricWindows(at(h0 + 2 * HOUR + 30 * MIN))
    t.same(fired.map((f) => f.playbookId).filter((id) => id !== playbook.id), [watching.id])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [pausing.id]))[0].n, 0)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'metrics.threshold_crossed' AND subject_id = $1", [pausing.id]))[0].n, 0, 'its crossing rolled back with it')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM crisis_trigger_states WHERE playbook_id = $1', [pausing.id]))[0].n, 0, 'and its claim: the next run tries again')

    // The same at ingestion: the refused activation does not refuse the metrics.
    const hour = Math.floor(Date.now() / HOUR) * HOUR
    await ingest([point(x, hour, 40)])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM metric_points WHERE brand_id = $1 AND period_start = $2', [brand.id, new Date(hour).toISOString()]))[0].n, 1, 'the points are stored')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM incidents WHERE playbook_id = $1', [pausing.id]))[0].n, 0)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'metrics.threshold_crossed' AND subject_id = $1", [watching.id]))[0].n, 2, 'the watching rule crossed at ingestion too')
  })
})
