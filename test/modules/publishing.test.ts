import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup, type Session } from '../factories.js'
import { approvedItem, future, socialAccount } from '../factories-content.js'

// Publishing (issue 12): one job per scheduled item, the guarded hand-over, the webhook
// publisher's requests, outcomes reported by the integration, time-outs and missed schedules.

const jobsOf = async (h: TestApp, itemId: string) =>
  await h.sql("SELECT key, run_at, payload FROM graphile_worker._private_jobs WHERE key = $1 OR payload->>'itemId' = $2 ORDER BY id", [`publish:${itemId}`, itemId])

const schedule = async (h: TestApp, s: Session, id: string, payload: object = {}) => {
  const res = await h.inject({ method: 'POST', url: `/v1/content-items/${id}/schedule`, headers: bearer(s.token), payload })
  if (res.statusCode !== 200) throw new Error(`schedule failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

/** Makes a scheduled item due now (as if its time had come) and returns the job payload. */
async function makeDue (h: TestApp, s: Session, itemId: string, agoMs = 1000) {
  const [row] = await h.sql("UPDATE content_items SET scheduled_at = date_trunc('milliseconds', now()) - make_interval(secs => $2::float / 1000), schedule_basis = 'instant' WHERE id = $1 RETURNING scheduled_at", [itemId, agoMs])
  return { orgId: s.orgId, itemId, scheduledAt: new Date(row.scheduled_at).toISOString() }
}

const handOver = async (h: TestApp, payload: { orgId: string, itemId: string, scheduledAt: string }) =>
  await h.app.background.inTenant(payload.orgId, 'publisher', async (ctx) => await h.app.publishing.handOver(ctx, payload))

const eventsOf = async (h: TestApp, itemId: string, type: string) =>
  await h.sql('SELECT data, actor_type FROM events WHERE subject_id = $1 AND type = $2 ORDER BY seq', [itemId, type])

const status = async (h: TestApp, id: string) => (await h.sql('SELECT status FROM content_items WHERE id = $1', [id]))[0].status

t.test('publishing', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'pub')
  const brand = await createBrand(h, a, 'Pub brand', 'Europe/Paris')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const integration = await createApiKey(h, a, ['publishing:write', 'events:read'])
  const contentOnly = await createApiKey(h, a, ['content:read', 'content:write'])
  const creator = await addMember(h, a, 'creator')
  const other = await signup(h, 'pub-other')
  const report = (itemId: string, targetId: string, payload: unknown, token = integration.secret) =>
    h.inject({ method: 'POST', url: `/v1/content-items/${itemId}/targets/${targetId}/publish-result`, headers: bearer(token), payload: payload as object })

  t.test('one job per scheduled item: schedule, reschedule, unschedule, archive and edit keep exactly one (or none)', async (t) => {
    const item = await approvedItem(h, a, brand.id, x)
    const when = future(2)
    await schedule(h, a, item.id, { scheduledAt: when })
    let jobs = await jobsOf(h, item.id)
    t.equal(jobs.length, 1, 'scheduling queues one job')
    t.equal(new Date(jobs[0].run_at).toISOString(), when, 'at scheduledAt')
    t.match(jobs[0].payload, { orgId: a.orgId, itemId: item.id, scheduledAt: when })

    const later = future(3)
    const moved = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { scheduledAt: later } })
    t.equal(moved.statusCode, 200)
    t.equal(json(moved).status, 'scheduled', 'moving only the time keeps it scheduled')
    jobs = await jobsOf(h, item.id)
    t.equal(jobs.length, 1, 'rescheduling moves the one job')
    t.equal(new Date(jobs[0].run_at).toISOString(), later)

    await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/unschedule`, headers: bearer(a.token) })
    t.equal((await jobsOf(h, item.id)).length, 0, 'unscheduling removes it')
    await schedule(h, a, item.id)
    await schedule(h, a, item.id).catch(() => {})
    t.equal((await jobsOf(h, item.id)).length, 1, 'scheduled again (and a second schedule refused): still one')

    const edited = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { body: 'Changed words' } })
    t.equal(json(edited).status, 'draft', 'editing what would be published returns it to draft')
    t.equal((await jobsOf(h, item.id)).length, 0, 'and removes its job')

    const other = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, other.id, { scheduledAt: future(4) })
    await h.inject({ method: 'POST', url: `/v1/content-items/${other.id}/archive`, headers: bearer(a.token) })
    t.equal((await jobsOf(h, other.id)).length, 0, 'archiving removes it')
  })

  t.test('the hand-over: publishing, one publish_requested per target with what to post, once however often the job runs', async (t) => {
    const item = await approvedItem(h, a, brand.id, x, { body: 'Spring blend is here', hashtags: ['coffee'], firstComment: 'Shop: example.com', targets: [{ socialAccountId: x }, { socialAccountId: li, body: 'Spring blend, for LinkedIn' }] })
    await schedule(h, a, item.id, { scheduledAt: future(1) })
    const due = await makeDue(h, a, item.id)
    const [first, second] = await Promise.all([handOver(h, due), handOver(h, due)])
    t.same([first.outcome, second.outcome].sort(), ['handed_over', 'skipped'], 'two racing runs hand it over once')
    t.match(await handOver(h, due), { outcome: 'skipped', why: 'not_scheduled' }, 'a third run does nothing')
    t.equal(await status(h, item.id), 'publishing')
    const requested = await eventsOf(h, item.id, 'content_item.publish_requested')
    t.equal(requested.length, 2, 'one request per target')
    t.equal(requested[0].actor_type, 'system')
    const [rx, rl] = requested.map((e: any) => e.data)
    t.match(rx, { targetId: item.targets[0].id, socialAccount: { id: x, platform: 'x' }, text: 'Spring blend is here\n\n#coffee', firstComment: 'Shop: example.com', late: false, attempt: 1, reportTo: `/v1/content-items/${item.id}/targets/${item.targets[0].id}/publish-result` })
    t.match(rl, { targetId: item.targets[1].id, socialAccount: { id: li, platform: 'linkedin' }, text: /^Spring blend, for LinkedIn/ })
    t.equal((await eventsOf(h, item.id, 'content_item.publishing')).length, 1)
    const polled = json(await h.inject({ method: 'GET', url: '/v1/events?type=content_item.publish_requested', headers: bearer(integration.secret) }))
    t.equal(polled.data.filter((e: any) => e.subjectId === item.id).length, 2, 'the integration sees the requests in GET /v1/events')
    const timeouts = await h.sql("SELECT run_at FROM graphile_worker._private_jobs WHERE key LIKE 'publish-timeout:%'")
    t.ok(timeouts.length >= 1, 'a time-out job waits for the outcomes')

    t.test('outcomes: the item is published when every target is, each with its URL', async (t) => {
      const r1 = await report(item.id, item.targets[0].id, { status: 'published', externalId: '1902837465', url: 'https://x.com/contoso/status/1902837465', publishedAt: '2030-01-01T10:00:00Z' })
      t.equal(r1.statusCode, 200)
      t.match(json(r1), { status: 'publishing', targets: [{ status: 'published', externalId: '1902837465' }, { status: 'requested' }] })
      t.equal(await status(h, item.id), 'publishing', 'one target to go')
      const again = await report(item.id, item.targets[0].id, { status: 'published', externalId: '1902837465', url: 'https://x.com/contoso/status/1902837465' })
      t.equal(again.statusCode, 200, 'reporting twice is idempotent')
      const changed = await report(item.id, item.targets[0].id, { status: 'failed', reason: 'oops' })
      t.equal(changed.statusCode, 409)
      t.match(json(changed), { code: 'HERALD_CONFLICT', reason: 'outcome_reported' })
      const r2 = await report(item.id, item.targets[1].id, { status: 'published', externalId: 'urn:li:share:7', url: 'https://www.linkedin.com/feed/update/urn:li:share:7' })
      t.match(json(r2), { status: 'published', targets: [{ status: 'published' }, { status: 'published', url: 'https://www.linkedin.com/feed/update/urn:li:share:7' }] })
      t.equal(await status(h, item.id), 'published')
      const [published] = await eventsOf(h, item.id, 'content_item.published')
      t.match(published.data, { attempt: 1, targets: [{ externalId: '1902837465', url: 'https://x.com/contoso/status/1902837465', publishedAt: '2030-01-01T10:00:00.000Z' }, { externalId: 'urn:li:share:7' }] })
      t.equal((await h.sql("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = 'publish-timeout:' || $1", [json(r2).id]))[0].n, 0, 'the time-out job is gone')
      const late = await report(item.id, item.targets[1].id, { status: 'published', externalId: 'urn:li:share:7' })
      t.equal(late.statusCode, 200, 'the same report after the item is published: still idempotent')

      const list = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/publications`, headers: bearer(a.token) }))
      t.match(list.data, [{ attempt: 1, status: 'published', late: false, publisher: 'webhook', targets: [{ url: 'https://x.com/contoso/status/1902837465' }, {}] }])
      const gql = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: `{ contentItem(id: "${item.id}") { status publications { attempt status targets { externalId url error } } } }` } }))
      t.same(gql.data?.contentItem, { status: 'published', publications: [{ attempt: 1, status: 'published', targets: [{ externalId: '1902837465', url: 'https://x.com/contoso/status/1902837465', error: null }, { externalId: 'urn:li:share:7', url: 'https://www.linkedin.com/feed/update/urn:li:share:7', error: null }] }] }, 'GraphQL shows each target\'s outcome')
      const timeline = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(a.token) }))
      const types = timeline.data.map((e: any) => e.type)
      t.same(types.slice(0, 4), ['published', 'publish_requested', 'publish_requested', 'publishing'], 'the timeline shows the hand-over and its outcome, newest first')
      t.notOk(timeline.data.some((e: any) => e.type === 'status_changed' && ['publishing', 'published'].includes(e.data.to)), 'without repeating them as status changes')
    })
  })

  t.test('a failed target fails the item (outcomes kept); scheduling it again retries', async (t) => {
    const item = await approvedItem(h, a, brand.id, x, { targets: [{ socialAccountId: x }, { socialAccountId: li }] })
    await schedule(h, a, item.id, { scheduledAt: future(1) })
    await handOver(h, await makeDue(h, a, item.id))
    await report(item.id, item.targets[1].id, { status: 'published', externalId: 'li-1' })
    const failed = await report(item.id, item.targets[0].id, { status: 'failed', reason: 'X answered 403: duplicate content', retryable: false })
    t.match(json(failed), { status: 'failed', reason: 'target_failed', targets: [{ status: 'failed', error: 'X answered 403: duplicate content', retryable: false }, { status: 'published' }] })
    t.equal(await status(h, item.id), 'failed')
    const [ev] = await eventsOf(h, item.id, 'content_item.failed')
    t.match(ev.data, { reason: 'target_failed', targets: [{ status: 'failed' }, { status: 'published', externalId: 'li-1' }] })
    const after = await report(item.id, item.targets[0].id, { status: 'published', externalId: 'x-late' })
    t.equal(after.statusCode, 409, 'another outcome for a target already reported')

    await schedule(h, a, item.id, { scheduledAt: future(1) })
    t.equal((await jobsOf(h, item.id)).length, 1, 'scheduled again: queued again')
    await handOver(h, await makeDue(h, a, item.id))
    const list = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/publications`, headers: bearer(a.token) }))
    t.match(list.data.map((p: any) => [p.attempt, p.status]), [[2, 'publishing'], [1, 'failed']], 'a second attempt, the first kept')
  })

  t.test('reporting: refusals', async (t) => {
    const item = await approvedItem(h, a, brand.id, x)
    const targetId = item.targets[0].id
    const notYet = await report(item.id, targetId, { status: 'published', externalId: '1' })
    t.equal(notYet.statusCode, 409, 'an item that is not publishing')
    t.match(json(notYet), { code: 'HERALD_CONFLICT', reason: 'not_publishing', currentStatus: 'approved' })
    await schedule(h, a, item.id, { scheduledAt: future(1) })
    await handOver(h, await makeDue(h, a, item.id))

    const bad = async (payload: unknown, why: string) => {
      const res = await report(item.id, targetId, payload)
      t.equal(res.statusCode, 400, why)
      t.equal(json(res).code, 'HERALD_VALIDATION', why)
    }
    await bad({ status: 'published' }, 'externalId is required')
    await bad({ status: 'done', externalId: '1' }, 'an unknown status')
    await bad({ status: 'published', externalId: 42 }, 'a number for a string')
    await bad({ status: 'published', externalId: '1', url: 'javascript:alert(1)' }, 'a URL that is not http(s)')
    await bad({ status: 'failed', reason: 'x'.repeat(1001) }, 'a reason over 1000 characters')
    await bad({ status: 'failed', reason: 'x', extra: true }, 'an unknown field')
    await bad({ status: 'published', externalId: '1', publishedAt: 'yesterday' }, 'a time that is not ISO-8601')
    t.equal((await h.inject({ method: 'POST', url: `/v1/content-items/not-a-uuid/targets/${targetId}/publish-result`, headers: bearer(integration.secret), payload: { status: 'published', externalId: '1' } })).statusCode, 400)

    t.equal((await report(item.id, '00000000-0000-4000-8000-000000000000', { status: 'published', externalId: '1' })).statusCode, 404, 'an unknown target')
    t.equal((await report('00000000-0000-4000-8000-000000000000', targetId, { status: 'published', externalId: '1' })).statusCode, 404, 'an unknown item')
    const theirs = await report(item.id, targetId, { status: 'published', externalId: '1' }, other.token)
    t.equal(theirs.statusCode, 404, "another organization's item reads as unknown")
    const noScope = await report(item.id, targetId, { status: 'published', externalId: '1' }, contentOnly.secret)
    t.equal(noScope.statusCode, 403)
    t.match(json(noScope), { code: 'HERALD_FORBIDDEN', missingScope: 'publishing:write' })
    t.equal((await report(item.id, targetId, { status: 'published', externalId: '1' }, creator.token)).statusCode, 403, 'a creator may not report outcomes')
    t.equal(await status(h, item.id), 'publishing', 'none of these changed anything')
    t.equal((await report(item.id, targetId, { status: 'published', externalId: '1' }, a.token)).statusCode, 200, 'an owner may')
  })

  t.test('checks at hand-over: missed schedule, late, blackout, stale job, a brand paused by a hook', async (t) => {
    const missed = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, missed.id, { scheduledAt: future(1) })
    t.match(await handOver(h, await makeDue(h, a, missed.id, 2 * 3_600_000)), { outcome: 'failed', reason: 'missed_schedule' })
    t.equal(await status(h, missed.id), 'failed')
    t.equal((await eventsOf(h, missed.id, 'content_item.publish_requested')).length, 0, 'nothing was posted')
    t.match((await eventsOf(h, missed.id, 'content_item.failed'))[0].data, { reason: 'missed_schedule', late: true, targets: [] })

    const late = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, late.id, { scheduledAt: future(1) })
    t.match(await handOver(h, await makeDue(h, a, late.id, 10 * 60_000)), { outcome: 'handed_over', late: true })
    t.match((await eventsOf(h, late.id, 'content_item.publishing'))[0].data, { late: true })
    t.match((await eventsOf(h, late.id, 'content_item.publish_requested'))[0].data, { late: true }, 'flagged late, still posted')

    const blacked = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, blacked.id, { scheduledAt: future(1) })
    const due = await makeDue(h, a, blacked.id)
    const created = await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/blackouts`, headers: bearer(a.token), payload: { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'Breaking news' } })
    t.equal(created.statusCode, 201)
    t.match(await handOver(h, due), { outcome: 'failed', reason: 'blackout' })
    t.equal(await status(h, blacked.id), 'failed')
    await h.inject({ method: 'DELETE', url: `/v1/brands/${brand.id}/blackouts/${json(created).id}`, headers: bearer(a.token) })

    const stale = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, stale.id, { scheduledAt: future(1) })
    const old = await makeDue(h, a, stale.id)
    await h.sql("UPDATE content_items SET scheduled_at = scheduled_at + interval '1 second' WHERE id = $1", [stale.id])
    t.match(await handOver(h, old), { outcome: 'skipped', why: 'stale_job' }, 'a job made for an earlier time does nothing')

    const paused = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, paused.id, { scheduledAt: future(1) })
    const off = h.app.publishing.hooks.beforeHandOver.register(async (_ctx, item) => item.brandId === brand.id ? { hold: 'brand_paused' } : undefined)
    try {
      t.match(await handOver(h, await makeDue(h, a, paused.id)), { outcome: 'held', reason: 'brand_paused' })
    } finally { off() }
    t.equal(await status(h, paused.id), 'scheduled', 'a held item stays scheduled')
    t.match((await eventsOf(h, paused.id, 'content_item.publish_held'))[0].data, { reason: 'brand_paused' })
    const released = await h.app.background.inTenant(a.orgId, 'crisis resolved', async (ctx) => await h.app.publishing.release(ctx, paused.id))
    t.equal(released, true)
    t.equal((await jobsOf(h, paused.id)).length, 1, 'released: queued again')
  })

  t.test('publisher_timeout: targets with no outcome by the deadline fail the item', async (t) => {
    const item = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, item.id, { scheduledAt: future(1) })
    const res = await handOver(h, await makeDue(h, a, item.id))
    if (res.outcome !== 'handed_over') throw new Error('not handed over')
    t.equal(await h.app.background.inTenant(a.orgId, 'publisher', async (ctx) => await h.app.publishing.timeOut(ctx, res.publicationId)), false, 'not before the deadline')
    await h.sql("UPDATE publications SET deadline_at = now() - interval '1 second' WHERE id = $1", [res.publicationId])
    t.same(await h.app.publishing.sweep(), { requeued: 0, timedOut: 1 }, 'the sweep finds it')
    t.equal(await status(h, item.id), 'failed')
    t.match((await eventsOf(h, item.id, 'content_item.failed'))[0].data, { reason: 'publisher_timeout', targets: [{ status: 'failed', error: 'publisher_timeout', retryable: true }] })
    t.equal((await report(item.id, item.targets[0].id, { status: 'published', externalId: 'too-late' })).statusCode, 409, 'a report after the time-out')
  })

  t.test('the sweep queues again a due item whose job is gone (its worker was killed)', async (t) => {
    const item = await approvedItem(h, a, brand.id, x)
    await schedule(h, a, item.id, { scheduledAt: future(1) })
    await makeDue(h, a, item.id, 60_000)
    await h.sql("DELETE FROM graphile_worker._private_jobs WHERE key = 'publish:' || $1", [item.id])
    const swept = await h.app.publishing.sweep()
    t.ok(swept.requeued >= 1)
    const jobs = await jobsOf(h, item.id)
    t.equal(jobs.length, 1)
    t.ok(new Date(jobs[0].run_at).getTime() <= Date.now() + 1000, 'due now')
  })

  t.test('configuration', async (t) => {
    const { loadConfig } = await import('../../src/config.js')
    t.same(loadConfig({}).publishing, { timeoutMs: 900_000, missedLimitMs: 3_600_000, lateAfterMs: 60_000 })
    t.throws(() => loadConfig({ PUBLISH_MISSED_LIMIT_MS: '10' }), /PUBLISH_MISSED_LIMIT_MS/)
  })
})

t.test('with a worker: scheduled a moment ahead, requested once, reported, published', async (t) => {
  const h = await createTestApp(t, { HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' })
  const a = await signup(h, 'pubw')
  const brand = await createBrand(h, a, 'Worker brand', 'Europe/Paris')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const key = await createApiKey(h, a, ['publishing:write', 'events:read'])
  const item = await approvedItem(h, a, brand.id, x)
  // Far enough ahead that the schedule request, on a loaded machine, still arrives before it.
  const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000).toISOString()
  await schedule(h, a, item.id, { scheduledAt: at })
  const deadline = Date.now() + 15_000
  let requested: any[] = []
  while (Date.now() < deadline && requested.length === 0) {
    requested = json(await h.inject({ method: 'GET', url: '/v1/events?type=content_item.publish_requested', headers: bearer(key.secret) })).data
    if (requested.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(requested.length, 1, 'requested once')
  t.ok(Date.now() >= new Date(at).getTime(), 'not before its time')
  const res = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/targets/${item.targets[0].id}/publish-result`, headers: bearer(key.secret), payload: { status: 'published', externalId: '42', url: 'https://x.com/pub/status/42' } })
  t.equal(res.statusCode, 200)
  t.match(json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })), { status: 'published' })
})
