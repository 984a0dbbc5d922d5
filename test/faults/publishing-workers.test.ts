import t from 'tap'
import { bearer, createTestApp } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { approvedItem, future, reviewer, socialAccount } from '../factories-content.js'
import { startServer } from './process.js'

// Issue 12, on real processes: three worker processes (HERALD_ROLE=worker) on one database,
// 200 items due in the same second, one worker killed with SIGKILL while it hands items over.
// Every target is requested exactly once (counted in the publish_requested events) and none is
// lost: the killed worker's transactions roll back, and the minute sweep queues its items again
// (graphile-worker would keep their locks for hours).

const ITEMS = 200

// Three servers, 200 approved items and a minute sweep: ~1 min alone, ~3.5 min when CI runs
// other files beside it on 2 cores, close to scripts/test.ts's 240 s per file. It measures nothing.
t.setTimeout(600_000)

t.test('three workers, 200 items due in one second, one worker SIGKILLed: each target requested once', async (t) => {
  const h = await createTestApp(t, { DB_POOL_MAX: '20', RATE_LIMIT_MAX: '100000' })
  const a = await signup(h, 'fault-pub')
  const brand = await createBrand(h, a, 'Fault brand', 'Europe/Paris')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  await reviewer(h, a)
  const ids: string[] = []
  for (let i = 0; i < ITEMS; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, ITEMS - i) }, async () => {
      const item = await approvedItem(h, a, brand.id, x)
      const res = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledAt: future(1) } })
      if (res.statusCode !== 200) throw new Error(res.body)
      return item.id as string
    }))
    ids.push(...batch)
  }
  t.equal((await h.sql("SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key LIKE 'publish:%'"))[0].n, ITEMS, 'one job per item')

  const env = { DATABASE_URL: h.config.databaseUrl!, HERALD_ROLE: 'worker', JOBS_CONCURRENCY: '4', JOBS_POLL_INTERVAL_MS: '200', LOG_LEVEL: 'info' }
  const workers = [startServer(env), startServer(env), startServer(env)]
  t.teardown(() => { for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL') })
  await Promise.all(workers.map(async (w) => await w.waitFor((lines) => lines.some((l) => l.msg?.startsWith('Herald worker is running jobs') === true), 'the worker to start')))

  // All due in the same second, 2 s from now: the items and their jobs move together (the job's
  // payload names the time it was made for).
  const [{ due }] = await h.sql("SELECT date_trunc('second', now()) + interval '2 seconds' AS due")
  await h.sql('UPDATE content_items SET scheduled_at = $1, schedule_basis = \'instant\' WHERE id = ANY($2::uuid[])', [due, ids])
  await h.sql(`SELECT herald_add_job('publish-content-item',
      json_build_object('orgId', organization_id, 'itemId', id, 'scheduledAt', to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
      NULL, scheduled_at, 10, 'publish:' || id, 0)
    FROM content_items WHERE id = ANY($1::uuid[])`, [ids])

  const requested = async () => (await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'content_item.publish_requested' AND subject_id = ANY($1::uuid[])", [ids]))[0].n as number
  // Kill one worker as soon as the first hand-over has committed: the three workers take the
  // items 20 at a time, 4 jobs each, so waiting for more left a run on an idle machine a
  // chance of handing all 200 over before the kill.
  const killBy = Date.now() + 30_000
  while (Date.now() < killBy && await requested() < 1) await new Promise((resolve) => setTimeout(resolve, 10))
  workers[0].child.kill('SIGKILL')
  const killedAt = await requested()
  t.ok(killedAt < ITEMS, `killed mid-run (${killedAt} of ${ITEMS} handed over)`)

  // The survivors finish, and the sweep (every minute) recovers what the killed one held.
  const deadline = Date.now() + 150_000
  let left = ITEMS
  while (Date.now() < deadline) {
    left = (await h.sql("SELECT count(*)::int AS n FROM content_items WHERE id = ANY($1::uuid[]) AND status = 'scheduled'", [ids]))[0].n
    if (left === 0) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  t.equal(left, 0, 'no item was lost')
  const perTarget = await h.sql(`SELECT t.id, count(e.id)::int AS n FROM content_targets t
      LEFT JOIN events e ON e.type = 'content_item.publish_requested' AND e.subject_id = t.content_item_id AND e.data->>'targetId' = t.id::text
     WHERE t.content_item_id = ANY($1::uuid[]) GROUP BY t.id`, [ids])
  t.equal(perTarget.length, ITEMS)
  t.same(perTarget.filter((r: any) => r.n !== 1), [], 'every target requested exactly once')
  t.same(await h.sql('SELECT status, count(*)::int AS n FROM content_items WHERE id = ANY($1::uuid[]) GROUP BY status', [ids]), [{ status: 'publishing', n: ITEMS }], 'every item handed over')
  t.equal((await h.sql('SELECT count(*)::int AS n FROM publications WHERE content_item_id = ANY($1::uuid[])', [ids]))[0].n, ITEMS, 'one publication each')
  const workedOn = await h.sql("SELECT DISTINCT actor_label FROM events WHERE type = 'content_item.publishing' AND subject_id = ANY($1::uuid[])", [ids])
  t.same(workedOn, [{ actor_label: 'publisher' }], 'handed over by the system actor')
})
