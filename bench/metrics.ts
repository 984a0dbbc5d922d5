// `npm run bench`, metrics part: an organization holding 10 million metric points (seeded in
// SQL with generate_series: 50 brands × 4 campaigns × 50 content items = 10,000 items, three
// metrics a day for 334 days), then three measurements against their targets:
//   1. ingestion through the API (POST /v1/metrics, 10,000 points a request, 2 at a time): ≥ 50,000 points/s;
//   2. a brand's month grouped by campaign and day (GET /v1/reports/metrics): p95 < 100 ms;
//   3. per-campaign sums of impressions and engagements for one brand's campaigns over 30 days,
//      the report engine against a hand-written single SQL over the same data, in this run:
//      ≥ 0.8× its throughput.
// BENCH_METRIC_DAYS (default 334) scales the seed down for a quick look.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { runReport } from '../src/modules/metrics/metrics.queries.js'

const DAYS = Number(process.env.BENCH_METRIC_DAYS ?? 334)
const BATCH = 10_000

const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]

async function main () {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' })
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'bench'))
  const admin = config.databaseUrl ?? embedded!.url
  const dbName = `herald_bench_metrics_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${dbName}`)
  const url = new URL(admin); url.pathname = `/${dbName}`
  await runMigrations(url.toString())
  const app = await buildApp({ config, databaseUrl: url.toString(), jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const db = new pg.Client({ connectionString: url.toString() }); await db.connect()
  let failed = false
  const verdict = (ok: boolean, text: string) => { failed ||= !ok; console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`) }
  try {
    const signup = await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Metrics bench', name: 'B', email: 'metrics-bench@example.com', password: 'correct horse battery' } })
    const { accessToken: token, organization: { id: orgId } } = signup.json()

    // ---- seed, in SQL ----
    let t0 = performance.now()
    await db.query('INSERT INTO brands (organization_id, name, time_zone) SELECT $1, \'Brand \' || b, \'Europe/Paris\' FROM generate_series(1, 50) b', [orgId])
    await db.query(`INSERT INTO campaigns (organization_id, brand_id, name, objective, status)
      SELECT b.organization_id, b.id, 'Campaign ' || c, 'engagement', 'active' FROM brands b CROSS JOIN generate_series(1, 4) c WHERE b.organization_id = $1`, [orgId])
    await db.query(`INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, status, created_by_type, scheduled_at)
      SELECT c.organization_id, c.brand_id, c.id, 'Post ' || n, 'post', 'published', 'system', timestamptz '2025-01-01 08:00Z' + make_interval(days => n * 6, hours => n % 12)
        FROM campaigns c CROSS JOIN generate_series(1, 50) n WHERE c.organization_id = $1`, [orgId])
    await db.query(`INSERT INTO metric_points (organization_id, brand_id, subject_type, subject_id, metric, granularity, period_start, value, source, collected_at)
      SELECT i.organization_id, i.brand_id, 'content_item', i.id, m.metric, 'day',
             (date '2025-01-01' + d)::timestamp AT TIME ZONE 'Europe/Paris',
             (hashtext(i.id::text || d) & 1023) * m.scale, 'bench', timestamptz '2026-01-01'
        FROM content_items i CROSS JOIN generate_series(0, $2 - 1) d
        CROSS JOIN (VALUES ('impressions', 10), ('engagements', 1), ('clicks', 1)) m(metric, scale)
       WHERE i.organization_id = $1`, [orgId, DAYS])
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM metric_points WHERE organization_id = $1', [orgId])).rows
    console.log(`seeded ${n.toLocaleString('en')} points in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    // As pgbench does before every run: vacuum what was just loaded (else autovacuum starts on
    // the 10 million new rows during the measurements and takes a core), and a checkpoint, so
    // the seed's gigabyte of dirty pages is not written out while ingestion is timed.
    t0 = performance.now()
    await db.query('VACUUM (ANALYZE)')
    await db.query('CHECKPOINT')
    console.log(`vacuumed, analysed and checkpointed in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const { rows: [busy] } = await db.query("SELECT brand_id, (SELECT time_zone FROM brands WHERE id = brand_id) FROM campaigns WHERE organization_id = $1 AND name = 'Campaign 1' LIMIT 1", [orgId])
    const { rows: items } = await db.query('SELECT id FROM content_items WHERE brand_id = $1 ORDER BY id', [busy.brand_id])
    // The seed's last 30 days: a month of numbers for every report below.
    const day = (k: number) => new Date(Date.UTC(2025, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)
    const [from, to] = [day(Math.max(0, DAYS - 30)), day(DAYS - 1)]

    // ---- 1. ingestion through the API ----
    const batches = 30
    const body = (k: number) => JSON.stringify({
      points: Array.from({ length: BATCH }, (_v, j) => {
        const item = items[j % items.length].id
        const hour = k * Math.ceil(BATCH / items.length) + Math.floor(j / items.length)
        return { subjectType: 'content_item', subjectId: item, metric: 'impressions', granularity: 'hour', periodStart: new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000).toISOString(), value: j, source: 'bench', collectedAt: '2026-06-01T00:00:00Z' }
      })
    })
    const bodies = Array.from({ length: batches }, (_v, k) => body(k))
    let next = 0
    t0 = performance.now()
    await Promise.all([0, 1].map(async () => {
      while (next < batches) {
        const k = next++
        const res = await fetch(`${address}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bodies[k] })
        if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`)
        await res.arrayBuffer()
      }
    }))
    const rate = (batches * BATCH) / ((performance.now() - t0) / 1000)
    verdict(rate >= 50_000, `ingestion through the API: ${Math.round(rate).toLocaleString('en')} points/s (≥ 50,000), ${batches} requests of ${BATCH.toLocaleString('en')}`)

    // ---- 2. a brand's month by campaign and day ----
    const month = `/v1/reports/metrics?brandId=${busy.brand_id}&from=${from}&to=${to}&groupBy=campaign,day`
    const times: number[] = []
    for (let i = 0; i < 60; i++) {
      const s = performance.now()
      const res = await fetch(`${address}${month}`, { headers: { authorization: `Bearer ${token}` } })
      if (res.status !== 200) throw new Error(`report: ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      if (i >= 10) times.push(performance.now() - s)
    }
    times.sort((a, b) => a - b)
    verdict(p(times, 0.95) < 100, `a brand's month by campaign and day over ${n.toLocaleString('en')} points: p50 ${p(times, 0.5).toFixed(1)} ms, p95 ${p(times, 0.95).toFixed(1)} ms (< 100)`)

    // ---- 3. per-campaign sums: the engine against a hand-written SQL, same data, same run ----
    const q = { from, to, brandId: busy.brand_id, granularity: 'day' as const }
    const hand = `SELECT ci.campaign_id, sum(mp.value) FILTER (WHERE mp.metric = 'impressions') AS impressions, sum(mp.value) FILTER (WHERE mp.metric = 'engagements') AS engagements
        FROM metric_points mp JOIN content_items ci ON ci.id = mp.subject_id
       WHERE mp.organization_id = $1 AND mp.brand_id = $2 AND mp.granularity = 'day'
         AND mp.period_start >= (date '${from}')::timestamp AT TIME ZONE $3 AND mp.period_start < (date '${to}' + 1)::timestamp AT TIME ZONE $3
         AND mp.metric IN ('impressions', 'engagements')
       GROUP BY ci.campaign_id`
    // Interleaved, one of each in turn: on a shared machine whose load swings, running one
    // side's 40 rounds and then the other's measured the load as much as the queries.
    const rounds = 40
    const throughputs = async (fns: Array<() => Promise<unknown>>) => {
      for (let i = 0; i < 5; i++) for (const fn of fns) await fn()
      const spent = fns.map(() => 0)
      for (let i = 0; i < rounds; i++) {
        for (const [k, fn] of fns.entries()) {
          const s = performance.now()
          await fn()
          spent[k] += performance.now() - s
        }
      }
      return spent.map((ms) => rounds / (ms / 1000))
    }
    const engine = async () => await app.withTenant(orgId, async (tx) => await runReport(tx.db, orgId, null, q, { dims: ['campaign'], metrics: ['impressions', 'engagements'], limit: 10_001 }))
    const handWritten = async () => await app.withTenant(orgId, async (tx) => await tx.db.execute(sql.raw(hand.replace('$1', `'${orgId}'`).replace('$2', `'${busy.brand_id}'`).replaceAll('$3', `'${busy.time_zone}'`))))
    const [check] = (await engine()).rows as Array<{ impressions: number }>
    const handRows = (await handWritten()).rows as Array<{ impressions: string }>
    if (!handRows.some((r) => Number(r.impressions) === check.impressions)) throw new Error('the engine and the hand-written SQL disagree')
    const [e, hw] = await throughputs([engine, handWritten])
    verdict(e >= 0.8 * hw, `per-campaign sums, one brand, 30 days: engine ${e.toFixed(1)}/s, hand-written SQL ${hw.toFixed(1)}/s (${(e / hw).toFixed(2)}×, ≥ 0.8×)`)
  } finally {
    await db.end()
    await app.close()
    if (!process.env.BENCH_KEEP) await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`); else console.log('kept', dbName); await c.end()
    await embedded?.stop()
  }
  process.exit(failed ? 1 : 0)
}
main().catch((err) => { console.error(err); process.exit(1) })
