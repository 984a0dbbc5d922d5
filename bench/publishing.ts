// Publishing under load (issue 12): N approved items due in the same second, handed over by the
// app's own worker (one process, JOBS_CONCURRENCY jobs at once) with the built-in webhook
// publisher (it answers at once: one event per target). Measures how many items per second are
// handed over, and the delay between scheduledAt and the hand-over (its transaction's start).
import type { FastifyInstance } from 'fastify'
import os from 'node:os'
import pg from 'pg'

export interface PublishingBenchResult { ok: boolean, line: string }

const N = 1000
const MIN_PER_SECOND = 500
const MAX_P99_MS = 2000

export async function publishingBench (app: FastifyInstance, databaseUrl: string, token: string, brandId: string, accountId: string): Promise<PublishingBenchResult> {
  const H = { authorization: `Bearer ${token}` }
  const ids: string[] = []
  for (let i = 0; i < N; i += 100) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/content-items/bulk',
      headers: H,
      payload: { items: Array.from({ length: 100 }, (_, j) => ({ brandId, title: `Due ${i + j}`, kind: 'post', body: `Due post ${i + j} #coffee`, targets: [{ socialAccountId: accountId }] })) }
    })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`bulk: ${res.statusCode} ${res.body}`)
    const body = res.json()
    ids.push(...(body.data ?? body.items ?? body).map((r: any) => r.id ?? r.item?.id))
  }
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    // Approved (an approval request for exactly this revision, as the approvals module records
    // it) and scheduled, all due in the same second, 3 s from now; each with its job.
    await db.query(`INSERT INTO approval_requests (organization_id, brand_id, content_item_id, revision, policy_name, steps, current_step, status, submitted_by_type)
      SELECT organization_id, brand_id, id, revision, 'bench', '[]'::jsonb, 0, 'approved', 'member' FROM content_items WHERE id = ANY($1::uuid[])`, [ids])
    const { rows: [{ due }] } = await db.query("SELECT date_trunc('second', now()) + interval '3 seconds' AS due")
    await db.query("UPDATE content_items SET status = 'scheduled', scheduled_at = $2, schedule_basis = 'instant' WHERE id = ANY($1::uuid[])", [ids, due])
    await db.query(`SELECT herald_add_job('publish-content-item',
        json_build_object('orgId', organization_id, 'itemId', id, 'scheduledAt', to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        NULL, scheduled_at, 10, 'publish:' || id, 0)
      FROM content_items WHERE id = ANY($1::uuid[])`, [ids])
    const deadline = Date.now() + 120_000
    // CPU of this process (the API and its worker) from now until the last hand-over: what one
    // hand-over costs in Node, whatever else shares the machine.
    const cpuBefore = process.cpuUsage()
    let left = N
    while (Date.now() < deadline && left > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      left = (await db.query("SELECT count(*)::int AS n FROM content_items WHERE id = ANY($1::uuid[]) AND status = 'scheduled'", [ids])).rows[0].n
    }
    const cpu = process.cpuUsage(cpuBefore)
    const cpuMsPerItem = (cpu.user + cpu.system) / 1000 / N
    const { rows: [s] } = await db.query(`SELECT count(*)::int AS n,
        extract(epoch FROM max(p.started_at) - min(p.scheduled_at)) AS span_s,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.started_at - p.scheduled_at)) * 1000 AS p50_ms,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM p.started_at - p.scheduled_at)) * 1000 AS p99_ms
      FROM publications p WHERE p.content_item_id = ANY($1::uuid[]) AND p.status = 'publishing'`, [ids])
    const requested = (await db.query("SELECT count(*)::int AS n FROM events WHERE type = 'content_item.publish_requested' AND subject_id = ANY($1::uuid[])", [ids])).rows[0].n
    // A hand-over's started_at is its transaction's start; a batch commits later. The request
    // event's created_at (clock_timestamp() when the statement runs, with the COMMIT) is when
    // it was written: the delay an integration sees, whatever the batching.
    const { rows: [w] } = await db.query(`SELECT extract(epoch FROM max(e.created_at) - min(p.scheduled_at)) AS span_s,
        percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - p.scheduled_at)) * 1000 AS p99_ms
      FROM events e JOIN publications p ON p.id = (e.data->>'publicationId')::uuid
      WHERE e.type = 'content_item.publish_requested' AND e.subject_id = ANY($1::uuid[])`, [ids])
    // Hand-overs per second from the due second to the last hand-over's start (at least 1 s).
    const perSecond = s.n / Math.max(Number(s.span_s), 1)
    const p99 = Math.round(Number(s.p99_ms))
    // Both delays must be within the target: the hand-over's start, and when its requests
    // became visible (its commit), which is what the integration waits for.
    const ok = left === 0 && s.n === N && requested === N && perSecond >= MIN_PER_SECOND && p99 <= MAX_P99_MS && Number(w.p99_ms) <= MAX_P99_MS
    return {
      ok,
      line: `${ok ? 'ok  ' : 'FAIL'} publishing: ${N} items due in one second, handed over ${s.n} (requests ${requested}) at ${Math.round(perSecond)} items/s (≥ ${MIN_PER_SECOND}), delay p50 ${Math.round(Number(s.p50_ms))} ms, p99 ${p99} ms (≤ ${MAX_P99_MS}); requests written: p99 ${Math.round(Number(w.p99_ms))} ms after scheduledAt (≤ ${MAX_P99_MS}), the last ${Math.round(Number(w.span_s) * 1000)} ms after; Node CPU ${cpuMsPerItem.toFixed(1)} ms per item, load average ${os.loadavg()[0].toFixed(1)}`
    }
  } finally {
    await db.end()
  }
}
