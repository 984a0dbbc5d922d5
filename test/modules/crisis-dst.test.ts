import t from 'tap'
import { Temporal } from 'temporal-polyfill'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { activate, createPlaybook } from '../factories-crisis.js'

// Crisis timers across DST changes in the brand's zone (Europe/Paris: 2027-03-28 02:00 CET →
// 03:00 CEST; 2027-10-31 03:00 CEST → 02:00 CET). A step's response target is elapsed minutes,
// an automatic resume is the instant given, a review cadence is days of 24 hours: each fires at
// its instant, not an hour early or late by the wall clock, and once. The timers are run at
// fixed instants (app.crisisTimers.*(now)); an incident is moved to the night of the change by
// shifting its opening and its steps' due times together, as if it had been opened then.

const PARIS = 'Europe/Paris'
const local = (iso: string) => Temporal.Instant.from(iso).toZonedDateTimeISO(PARIS).toPlainDateTime().toString()
const ms = (iso: string, delta = 0) => new Date(new Date(iso).getTime() + delta)

t.test('crisis timers across DST changes', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'crisis-dst')
  const brand = await createBrand(h, a, 'Paris brand', PARIS)

  /** Opens an incident with one step and moves it to `openedAt`, keeping its due time relative. */
  async function incidentOpenedAt (openedAt: string, responseTargetMinutes: number) {
    const p = await createPlaybook(h, a, { brandIds: [brand.id], steps: [{ title: 'Confirm the facts', responseTargetMinutes }] })
    const inc = json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' }))
    await h.sql('UPDATE incident_steps SET due_at = due_at + ($2::timestamptz - (SELECT created_at FROM incidents WHERE id = $1)) WHERE incident_id = $1', [inc.id, openedAt])
    await h.sql('UPDATE incidents SET created_at = $2 WHERE id = $1', [inc.id, openedAt])
    return json(await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}`, headers: bearer(a.token) }))
  }
  const overdueEvents = async (incidentId: string) =>
    (await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'incident.step_overdue' AND subject_id = $1", [incidentId]))[0].n

  t.test('a step response target across the spring-forward: 90 minutes of time, not of wall clock', async (t) => {
    const inc = await incidentOpenedAt('2027-03-28T00:45:00Z', 90) // 01:45 CET
    const step = inc.checklist[0]
    t.equal(step.dueAt, '2027-03-28T02:15:00.000Z')
    t.equal(local(step.dueAt), '2027-03-28T04:15:00', 'the wall clock jumped an hour in between')
    t.same(await h.app.crisisTimers.stepOverdue(ms('2027-03-28T01:15:00Z')), [], '03:15 CEST (90 wall-clock minutes) is too early')
    t.same(await h.app.crisisTimers.stepOverdue(ms(step.dueAt, -1)), [], 'not a millisecond early')
    t.same(await h.app.crisisTimers.stepOverdue(ms(step.dueAt)), [step.id], 'at its instant')
    t.same(await h.app.crisisTimers.stepOverdue(ms(step.dueAt, 3_600_000)), [], 'once')
    t.equal(await overdueEvents(inc.id), 1)
  })

  t.test('a step response target across the fall-back: due at the second 02:30', async (t) => {
    const inc = await incidentOpenedAt('2027-10-31T00:30:00Z', 60) // 02:30 CEST, the first one
    const step = inc.checklist[0]
    t.equal(step.dueAt, '2027-10-31T01:30:00.000Z')
    t.equal(local(inc.createdAt), local(step.dueAt), 'the same wall-clock time, an hour apart')
    t.same(await h.app.crisisTimers.stepOverdue(ms(step.dueAt, -1)), [])
    const runs = await Promise.all([h.app.crisisTimers.stepOverdue(ms(step.dueAt)), h.app.crisisTimers.stepOverdue(ms(step.dueAt))])
    t.same(runs.flat(), [step.id], 'once across two workers')
    t.equal(await overdueEvents(inc.id), 1)
  })

  t.test('an automatic resume given in local time across the fall-back fires at that instant, once', async (t) => {
    const res = await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/pause`, headers: bearer(a.token), payload: { reason: 'Quiet night', resumeAt: '2027-10-31T02:30:00+01:00' } })
    t.equal(res.statusCode, 201, res.body)
    const pause = json(res)
    t.equal(pause.resumeAt, '2027-10-31T01:30:00.000Z', 'the second 02:30 (CET)')
    const [job] = await h.sql('SELECT run_at FROM graphile_worker._private_jobs WHERE key = $1', [`crisis-resume:${pause.id}`])
    t.equal(new Date(job.run_at).toISOString(), '2027-10-31T01:30:00.000Z', 'the resume job runs at that instant')
    t.same(await h.app.crisisTimers.autoResume(ms('2027-10-31T00:30:00Z')), [], 'not at the first 02:30 (CEST)')
    t.same(await h.app.crisisTimers.autoResume(ms(pause.resumeAt, -1)), [])
    const runs = await Promise.all([h.app.crisisTimers.autoResume(ms(pause.resumeAt)), h.app.crisisTimers.autoResume(ms(pause.resumeAt))])
    t.same(runs.flat(), [pause.id], 'resumed once across two workers')
    t.same(await h.app.crisisTimers.autoResume(ms(pause.resumeAt, 60_000)), [])
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'brand.resumed' AND brand_id = $1", [brand.id]))[0].n, 1)
    t.same(json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}/pause`, headers: bearer(a.token) })), { pause: null })
  })

  t.test('a review cadence across the spring-forward: days of 24 hours, announced once', async (t) => {
    const p = await createPlaybook(h, a, { brandIds: [brand.id], reviewCadenceDays: 1 })
    await h.sql("UPDATE crisis_playbooks SET reviewed_at = '2027-03-27T11:00:00Z' WHERE id = $1", [p.id]) // noon CET
    const got = json(await h.inject({ method: 'GET', url: `/v1/crisis-playbooks/${p.id}`, headers: bearer(a.token) }))
    t.equal(got.reviewDueAt, '2027-03-28T11:00:00.000Z')
    t.equal(local(got.reviewDueAt), '2027-03-28T13:00:00', '24 hours later, 13:00 CEST by the wall clock')
    t.notOk((await h.app.crisisTimers.reviewDue(ms('2027-03-28T10:00:00Z'))).includes(p.id), 'not at noon CEST')
    t.notOk((await h.app.crisisTimers.reviewDue(ms(got.reviewDueAt, -1))).includes(p.id))
    const runs = await Promise.all([h.app.crisisTimers.reviewDue(ms(got.reviewDueAt)), h.app.crisisTimers.reviewDue(ms(got.reviewDueAt))])
    t.equal(runs.flat().filter((id) => id === p.id).length, 1, 'at its instant, once across two workers')
    t.notOk((await h.app.crisisTimers.reviewDue(ms(got.reviewDueAt, 86_400_000 - 1))).includes(p.id), 'once per period')
    const [ev] = await h.sql("SELECT data FROM events WHERE type = 'playbook.review_due' AND subject_id = $1", [p.id])
    t.equal(ev.data.reviewDueAt, '2027-03-28T11:00:00.000Z')
  })
})
