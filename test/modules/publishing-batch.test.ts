import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { createBrand, signup, type Session } from '../factories.js'
import { socialAccount } from '../factories-content.js'

// The set-based hand-over: one publish job hands over every due item of its organization (up
// to a batch), each judged by the same checks as alone, each handed over exactly once, with
// the other items' jobs removed; racing jobs and batches still hand each item over once.

type Approval = 'approved' | 'stale' | 'invalidated'

/**
 * n approved items of a brand, scheduled and due `agoMs` ago, each with its publish job: made
 * in bulk through the API, approved and scheduled with SQL as the approvals module records it
 * (as bench/publishing.ts does), so fifty items take one second.
 */
async function dueItems (h: TestApp, s: Session, brandId: string, account: string, n: number, opts: { agoMs?: number, approval?: Approval } = {}): Promise<string[]> {
  const res = await h.inject({
    method: 'POST',
    url: '/v1/content-items/bulk',
    headers: bearer(s.token),
    payload: { items: Array.from({ length: n }, (_, i) => ({ brandId, title: `Due ${i}`, kind: 'post', body: `Due post ${i}`, targets: [{ socialAccountId: account }] })) }
  })
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`bulk: ${res.statusCode} ${res.body}`)
  const body = json(res)
  const ids: string[] = (body.data ?? body.items ?? body).map((r: any) => r.id ?? r.item?.id)
  const approval = opts.approval ?? 'approved'
  // A stale approval approves a revision that is not the item's (nothing that would go out now).
  await h.sql(`INSERT INTO approval_requests (organization_id, brand_id, content_item_id, revision, policy_name, steps, current_step, status, submitted_by_type)
    SELECT organization_id, brand_id, id, revision + $2, 'test', '[]'::jsonb, 0, $3, 'member' FROM content_items WHERE id = ANY($1::uuid[])`,
  [ids, approval === 'stale' ? 5 : 0, approval === 'invalidated' ? 'invalidated' : 'approved'])
  await h.sql(`UPDATE content_items SET status = 'scheduled', schedule_basis = 'instant',
    scheduled_at = date_trunc('milliseconds', now()) - make_interval(secs => $2::float / 1000) WHERE id = ANY($1::uuid[])`, [ids, opts.agoMs ?? 1000])
  await addJobs(h, ids)
  return ids
}

/** The publish job of each item, as scheduling queues it. */
async function addJobs (h: TestApp, ids: string[]) {
  await h.sql(`SELECT herald_add_job('publish-content-item',
      json_build_object('orgId', organization_id, 'itemId', id, 'scheduledAt', to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
      NULL, scheduled_at, 10, 'publish:' || id, 0)
    FROM content_items WHERE id = ANY($1::uuid[])`, [ids])
}

const payloadOf = async (h: TestApp, id: string) => {
  const [row] = await h.sql('SELECT organization_id, scheduled_at FROM content_items WHERE id = $1', [id])
  return { orgId: row.organization_id as string, itemId: id, scheduledAt: new Date(row.scheduled_at).toISOString() }
}

/** What the item's publish job does: its own hand-over (the result), then it drains the rest. */
const handOver = async (h: TestApp, id: string) => await h.app.publishing.runJob(await payloadOf(h, id))

/** Per item: status, and how many of each thing the hand-over wrote for it. */
async function facts (h: TestApp, ids: string[]) {
  const rows = await h.sql(`SELECT ci.id, ci.status,
      (SELECT count(*)::int FROM publications p WHERE p.content_item_id = ci.id AND p.status = 'publishing') AS publishing_pubs,
      (SELECT count(*)::int FROM publications p WHERE p.content_item_id = ci.id AND p.status = 'held') AS held_pubs,
      (SELECT count(*)::int FROM publications p WHERE p.content_item_id = ci.id AND p.status = 'failed') AS failed_pubs,
      (SELECT count(*)::int FROM events e WHERE e.subject_id = ci.id AND e.type = 'content_item.publishing') AS publishing_events,
      (SELECT count(*)::int FROM events e WHERE e.subject_id = ci.id AND e.type = 'content_item.publish_requested') AS requested,
      (SELECT count(*)::int FROM events e WHERE e.subject_id = ci.id AND e.type = 'content_item.publish_held') AS held_events,
      (SELECT count(*)::int FROM events e WHERE e.subject_id = ci.id AND e.type = 'content_item.status_changed' AND e.data->>'to' = 'publishing') AS moved_events,
      (SELECT array_agg(e.data->>'reason') FROM events e WHERE e.subject_id = ci.id AND e.type = 'content_item.failed') AS failed_reasons,
      (SELECT count(*)::int FROM graphile_worker._private_jobs j WHERE j.key = 'publish:' || ci.id) AS jobs,
      (SELECT count(*)::int FROM graphile_worker._private_jobs j JOIN publications p ON j.key = 'publish-timeout:' || p.id WHERE p.content_item_id = ci.id) AS timeouts
    FROM content_items ci WHERE ci.id = ANY($1::uuid[])`, [ids])
  return new Map(rows.map((r: any) => [r.id as string, r]))
}

t.test('set-based hand-over', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'batch')
  const open = await createBrand(h, a, 'Open brand', 'UTC')
  const blacked = await createBrand(h, a, 'Blacked-out brand', 'UTC')
  const paused = await createBrand(h, a, 'Paused brand', 'UTC')
  const xOpen = await socialAccount(h, a.orgId, open.id, 'x')
  const xBlacked = await socialAccount(h, a.orgId, blacked.id, 'x')
  const xPaused = await socialAccount(h, a.orgId, paused.id, 'x')

  t.test('50 due items: exactly the right ones handed over, each once; the others failed or held with the right reason', async (t) => {
    // An item held at its last hand-over (a hook held it): it waits for its release, batches leave it.
    const [waiting] = await dueItems(h, a, open.id, xOpen, 1)
    const off = h.app.publishing.hooks.beforeHandOver.register(async () => ({ hold: 'test hold' }))
    try {
      t.match(await handOver(h, waiting), { outcome: 'held', reason: 'test hold' })
    } finally { off() }

    const blackout = await h.inject({ method: 'POST', url: `/v1/brands/${blacked.id}/blackouts`, headers: bearer(a.token), payload: { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'Breaking news' } })
    t.equal(blackout.statusCode, 201, blackout.body)
    const pause = await h.inject({ method: 'POST', url: `/v1/brands/${paused.id}/pause`, headers: bearer(a.token), payload: { reason: 'Recall' } })
    t.equal(pause.statusCode, 201, pause.body)

    // A webhook subscription: each event a batch records owes it one delivery, as when recorded alone.
    // (Made with SQL: the API resolves the URL's host, and nothing is delivered here.)
    await h.sql("INSERT INTO webhook_subscriptions (organization_id, url, event_types, secret) VALUES ($1, 'https://hooks.invalid/herald', '{content_item.publish_requested,content_item.failed}', 'whsec_test')", [a.orgId])

    const good = await dueItems(h, a, open.id, xOpen, 28)
    const late = await dueItems(h, a, open.id, xOpen, 2, { agoMs: 10 * 60_000 })
    const stale = await dueItems(h, a, open.id, xOpen, 3, { approval: 'stale' })
    const unapproved = await dueItems(h, a, open.id, xOpen, 2, { approval: 'invalidated' })
    const missed = await dueItems(h, a, open.id, xOpen, 2, { agoMs: 2 * 3_600_000 })
    const inBlackout = await dueItems(h, a, blacked.id, xBlacked, 7)
    const inPause = await dueItems(h, a, paused.id, xPaused, 6)
    // Due by its stored instant, not by today's zone rules (09:00 local is still ahead): its
    // own job re-queues it; the batch leaves it.
    const [notYet] = await dueItems(h, a, open.id, xOpen, 1)
    const ahead = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19)
    await h.sql("UPDATE content_items SET schedule_basis = 'local', scheduled_local = $2, schedule_time_zone = 'UTC' WHERE id = $1", [notYet, ahead])
    const all = [...good, ...late, ...stale, ...unapproved, ...missed, ...inBlackout, ...inPause, notYet]
    t.equal(all.length, 51)

    // One job runs (the first good item's): it hands the whole organization's due work over.
    t.match(await handOver(h, good[0]), { outcome: 'handed_over', late: false })
    const f = await facts(h, [...all, waiting])

    for (const id of [...good, ...late]) {
      t.match(f.get(id), { status: 'publishing', publishing_pubs: 1, publishing_events: 1, requested: 1, moved_events: 1, failed_pubs: 0, timeouts: 1 }, 'handed over once')
    }
    const lateEvents = await h.sql("SELECT data FROM events WHERE type = 'content_item.publish_requested' AND subject_id = ANY($1::uuid[])", [late])
    t.same(lateEvents.map((e: any) => e.data.late), [true, true], 'the late ones flagged late')
    const onTime = await h.sql("SELECT data FROM events WHERE type = 'content_item.publishing' AND subject_id = $1", [good[1]])
    t.match(onTime[0].data, { late: false, attempt: 1, publisher: 'webhook', targets: [{ socialAccountId: xOpen, status: 'requested' }] })

    const failedWith = (ids: string[], reason: string) => {
      for (const id of ids) t.match(f.get(id), { status: 'failed', failed_reasons: [reason], failed_pubs: 1, requested: 0, publishing_pubs: 0, jobs: 0 }, reason)
    }
    failedWith(stale, 'approval_stale')
    failedWith(unapproved, 'approval_required')
    failedWith(missed, 'missed_schedule')
    failedWith(inBlackout, 'blackout')
    for (const id of inPause) t.match(f.get(id), { status: 'scheduled', held_pubs: 1, held_events: 1, requested: 0, jobs: 0 }, 'held by the pause, still scheduled')
    const pauseNow = json(await h.inject({ method: 'GET', url: `/v1/brands/${paused.id}/pause`, headers: bearer(a.token) })).pause
    t.same([...pauseNow.heldItemIds].sort(), [...inPause].sort(), 'the pause counts them as held')
    t.match(f.get(notYet), { status: 'scheduled', publishing_pubs: 0, held_pubs: 0, jobs: 1 }, 'not due by local time: untouched, its job kept')
    t.match(f.get(waiting), { status: 'scheduled', held_pubs: 1, publishing_pubs: 0, requested: 0 }, 'held at its last hand-over: left for its release')
    t.equal([...all].filter((id) => id !== good[0] && id !== notYet).every((id) => f.get(id).jobs === 0), true, 'the other items\' jobs are removed with the batch')

    const owed = await h.sql(`SELECT e.type, count(d.id)::int AS n FROM events e LEFT JOIN webhook_deliveries d ON d.event_id = e.id
      WHERE e.subject_id = ANY($1::uuid[]) AND e.type IN ('content_item.publish_requested', 'content_item.failed', 'content_item.publishing') GROUP BY e.id, e.type`, [all])
    t.same([...new Set(owed.map((r: any) => `${r.type}:${r.n}`))].sort(), ['content_item.failed:1', 'content_item.publish_requested:1', 'content_item.publishing:0'], 'one delivery per subscribed event, none for the others')

    const [failedEvent] = await h.sql("SELECT data FROM events WHERE type = 'content_item.failed' AND subject_id = $1", [inBlackout[0]])
    t.match(failedEvent.data, { reason: 'blackout', detail: /a blackout window .* covers/, targets: [], late: false })

    // Their own jobs, if they still ran (one was already running when the batch removed it),
    // find nothing to do. (A held item's job is removed like the others: it waits for its release.)
    for (const id of [good[1], stale[0]]) t.match(await handOver(h, id), { outcome: 'skipped', why: 'not_scheduled' }, 'its own job does nothing')
    t.match(await handOver(h, good[0]), { outcome: 'skipped', why: 'not_scheduled' })
    const again = await facts(h, [good[1], stale[0]])
    t.match(again.get(good[1]), { publishing_pubs: 1, requested: 1, publishing_events: 1 })
    t.match(again.get(stale[0]), { failed_pubs: 1, failed_reasons: ['approval_stale'] })

    const released = await h.app.background.inTenant(a.orgId, 'test', async (ctx) => await h.app.publishing.release(ctx, waiting))
    t.equal(released, true)
    t.match(await handOver(h, waiting), { outcome: 'handed_over' }, 'released: its own job hands it over')
  })

  t.test('jobs and batches racing: every item handed over once, none lost', async (t) => {
    const ids = await dueItems(h, a, open.id, xOpen, 40)
    // Forty jobs at once (each item's own), each trying to take the others as a batch.
    const results = await Promise.all(ids.map(async (id) => await handOver(h, id)))
    t.equal(results.filter((r) => r.outcome === 'handed_over').length >= 1, true)
    t.equal(results.every((r) => r.outcome === 'handed_over' || (r.outcome === 'skipped' && r.why === 'not_scheduled')), true, 'each job hands its item over or finds it handed over')
    const f = await facts(h, ids)
    for (const id of ids) t.match(f.get(id), { status: 'publishing', publishing_pubs: 1, requested: 1, publishing_events: 1, moved_events: 1 }, 'exactly once')
  })
})

t.test('a batch never mixes organizations', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'batch-a')
  const b = await signup(h, 'batch-b')
  const aBrand = await createBrand(h, a, 'A', 'UTC')
  const bBrand = await createBrand(h, b, 'B', 'UTC')
  const ax = await socialAccount(h, a.orgId, aBrand.id, 'x')
  const bx = await socialAccount(h, b.orgId, bBrand.id, 'x')
  const mine = await dueItems(h, a, aBrand.id, ax, 5)
  const theirs = await dueItems(h, b, bBrand.id, bx, 5)
  t.match(await handOver(h, mine[0]), { outcome: 'handed_over' })
  const f = await facts(h, [...mine, ...theirs])
  for (const id of mine) t.equal(f.get(id).status, 'publishing')
  for (const id of theirs) t.match(f.get(id), { status: 'scheduled', jobs: 1 }, "another organization's items wait for their own jobs")
})
