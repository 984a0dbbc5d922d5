import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { future } from '../factories-content.js'
import { decide, itemStatus, requestRow, submitted, team } from '../factories-approval-requests.js'

// Concurrency: decisions and edits on the same item run one after the other (item row lock,
// then request row lock), so the outcome is always one of the serial ones. Overdue requests are
// announced exactly once, however many scans run at the same time.

t.test('approval requests under concurrency', async (t) => {
  const h = await createTestApp(t, { DB_POOL_MAX: '20' })
  const tm = await team(h, 'race')
  const twoClients = await team(h, 'race-clients')
  const client2 = await (await import('../factories.js')).addMember(h, twoClients.owner, 'client', [twoClients.brand.id])
  const count = async (sql: string, values: unknown[]) => (await h.sql(sql, values))[0].n as number

  t.test("two approvers of an 'any' step at once: exactly one advances it, the other is told it moved on", async (t) => {
    for (let round = 0; round < 6; round++) {
      const { requestId } = await submitted(h, tm)
      const [a, b] = await Promise.all([decide(h, tm.manager, requestId, 'approve'), decide(h, tm.manager2, requestId, 'approve')])
      const statuses = [a.statusCode, b.statusCode].sort()
      t.same(statuses, [201, 409], `round ${round}: one decision, one conflict`)
      const loser = a.statusCode === 409 ? a : b
      t.match(json(loser), { code: 'HERALD_CONFLICT', reason: 'step_completed' })
      t.match(await requestRow(h, requestId), { status: 'open', current_step: 1, version: 2 })
      t.equal(await count('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1', [requestId]), 1)
      t.equal(await count("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'approval.decided'", [requestId]), 1)
    }
  })

  t.test('two clients approving the last step at once: the content is approved once', async (t) => {
    for (let round = 0; round < 4; round++) {
      const { item, requestId } = await submitted(h, twoClients)
      await decide(h, twoClients.manager, requestId, 'approve')
      const results = await Promise.all([decide(h, twoClients.client, requestId, 'approve'), decide(h, client2, requestId, 'approve')])
      t.same(results.map((r) => r.statusCode).sort(), [201, 409])
      t.match(json(results.find((r) => r.statusCode === 409)!), { reason: 'request_closed' })
      t.equal(await itemStatus(h, item.id), 'approved')
      t.equal(await count("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'content_item.approved'", [item.id]), 1)
      t.equal(await count("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'content_item.status_changed' AND data->>'to' = 'approved'", [item.id]), 1)
    }
  })

  t.test('an edit racing the final approval: never approved with a changed body', async (t) => {
    const outcomes = new Set<string>()
    for (let round = 0; round < 8; round++) {
      const { item, requestId } = await submitted(h, tm)
      await decide(h, tm.manager, requestId, 'approve')
      const body = `changed in round ${round}`
      // Alternate which one starts first, so both serial orders get a chance to happen.
      const editing = () => h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(tm.creator.token), payload: { body } })
      const approving = () => decide(h, tm.client, requestId, 'approve')
      const [edit, approval] = round % 2 === 0
        ? await Promise.all([editing(), approving()])
        : (await Promise.all([approving(), editing()])).reverse()
      t.equal(edit.statusCode, 200, 'the edit always goes through')
      const [row] = await h.sql('SELECT status, body FROM content_items WHERE id = $1', [item.id])
      t.same(row, { status: 'draft', body }, 'the changed body is a draft, whatever the order')
      t.equal((await requestRow(h, requestId)).status, 'invalidated')
      if (approval.statusCode === 201) {
        outcomes.add('approved, then invalidated by the edit')
        const types = (await h.sql("SELECT type FROM events WHERE subject_id = ANY($1) AND type IN ('content_item.approved', 'approval_request.invalidated') ORDER BY seq", [[item.id, requestId]])).map((r: any) => r.type)
        t.same(types, ['content_item.approved', 'approval_request.invalidated'])
      } else {
        outcomes.add('edited, then the decision refused')
        t.equal(approval.statusCode, 409)
        t.match(json(approval), { code: 'HERALD_CONFLICT', reason: 'request_closed' })
        t.equal(await count('SELECT count(*)::int AS n FROM approval_decisions WHERE request_id = $1 AND step = 1', [requestId]), 0)
      }
      const approval2 = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/approval`, headers: bearer(tm.owner.token) }))
      t.equal(approval2.approved, false)
    }
    t.ok(outcomes.size >= 1, `outcomes seen: ${[...outcomes].join('; ')}`)
  })

  t.test('overdue: listable at once, announced exactly once by concurrent scans, across organizations', async (t) => {
    const mine = await Promise.all([0, 1, 2].map(async () => await submitted(h, tm, tm.creator, {}, { dueAt: future(1) })))
    const theirs = await submitted(h, twoClients, twoClients.creator, {}, { dueAt: future(1) })
    const notYet = await submitted(h, tm, tm.creator, {}, { dueAt: future(3) })
    const closed = await submitted(h, tm, tm.creator, {}, { dueAt: future(1) })
    await decide(h, tm.manager, closed.requestId, 'reject')
    const pastDue = [...mine.map((m) => m.requestId), theirs.requestId, closed.requestId]
    await h.sql("UPDATE approval_requests SET due_at = now() - interval '1 hour' WHERE id = ANY($1)", [pastDue])

    const list = json(await h.inject({ method: 'GET', url: '/v1/approval-requests?overdue=true&limit=200', headers: bearer(tm.owner.token) }))
    t.same(list.data.map((r: any) => r.id).sort(), mine.map((m) => m.requestId).sort(), 'open and past due, this organization only; the closed one is not overdue')
    t.ok(list.data.every((r: any) => r.overdue === true))
    const notOverdue = json(await h.inject({ method: 'GET', url: '/v1/approval-requests?overdue=false&limit=200', headers: bearer(tm.owner.token) })).data.map((r: any) => r.id)
    t.ok(notOverdue.includes(notYet.requestId) && notOverdue.includes(closed.requestId))
    t.notOk(notOverdue.some((id: string) => mine.some((m) => m.requestId === id)))

    const [first, second] = await Promise.all([h.app.approvalRequests.scanOverdue(), h.app.approvalRequests.scanOverdue()])
    const announced = [...first, ...second]
    t.same([...announced].sort(), [...mine.map((m) => m.requestId), theirs.requestId].sort(), 'every open overdue request once, none twice')
    t.same(await h.app.approvalRequests.scanOverdue(), [], 'a later scan finds nothing new')
    const events = await h.sql("SELECT organization_id, subject_id, brand_id, actor_type, actor_id, actor_label, request_id, data FROM events WHERE type = 'approval_request.overdue' ORDER BY seq")
    t.equal(events.length, 4)
    t.same(new Set(events.map((e: any) => e.subject_id)).size, 4)
    const theirsEvent = events.find((e: any) => e.subject_id === theirs.requestId)
    t.match(theirsEvent, { organization_id: twoClients.owner.orgId, brand_id: twoClients.brand.id, actor_type: 'system', actor_id: null, actor_label: 'overdue scan', request_id: null, data: { requestId: theirs.requestId, contentItemId: theirs.item.id, currentStep: 0, stepName: 'Internal review' } })
    t.ok((await requestRow(h, mine[0].requestId)).overdue_notified_at)
    t.match(json(await h.inject({ method: 'GET', url: `/v1/approval-requests/${mine[0].requestId}`, headers: bearer(tm.owner.token) })), { overdue: true, version: 1 }, 'marking does not change the version')
    const polled = json(await h.inject({ method: 'GET', url: '/v1/events?type=approval_request.overdue', headers: bearer(tm.owner.token) }))
    t.equal(polled.data.length, 3, 'integrations of this organization see its three')
  })

  t.test('the scan is a recurring job: once a minute, across every worker', async (t) => {
    const { OVERDUE_SCAN_CRON } = await import('../../src/modules/approval-requests/index.js')
    t.equal(OVERDUE_SCAN_CRON, '* * * * *')
  })
})

t.test('the recurring job announces overdue requests by itself (on a worker), once', async (t) => {
  const h = await createTestApp(t, { HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' })
  const tm = await team(h, 'timer')
  const { requestId } = await submitted(h, tm, tm.creator, {}, { dueAt: future(1) })
  await h.sql("UPDATE approval_requests SET due_at = now() - interval '1 minute' WHERE id = $1", [requestId])
  // The worker registered the cron item (graphile-worker records it when its cron starts).
  const deadline = Date.now() + 10_000
  let known = 0
  while (Date.now() < deadline && known === 0) {
    known = (await h.sql("SELECT count(*)::int AS n FROM graphile_worker._private_known_crontabs WHERE identifier = 'approval-overdue-scan'"))[0].n
    if (known === 0) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(known, 1, 'the cron item is known to the queue')
  // Cron fires on the minute; the same task queued now is what it queues then.
  await h.app.jobs.add('approval-overdue-scan', {})
  await h.app.jobs.add('approval-overdue-scan', {})
  let n = 0
  while (Date.now() < deadline + 10_000) {
    n = (await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'approval_request.overdue'", [requestId]))[0].n
    if (n > 0) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(n, 1, 'announced by the job')
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'approval_request.overdue'", [requestId]))[0].n, 1, 'and only once, though the scan ran twice')
  t.match(json(await h.inject({ method: 'GET', url: `/v1/approval-requests/${requestId}`, headers: bearer(tm.owner.token) })), { overdue: true })
})
