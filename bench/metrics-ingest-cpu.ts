// CPU spent per ingestion request, the Node process's and its PostgreSQL backends' (from
// /proc, Linux only): on a shared machine whose load swings, CPU per request says what the
// code costs where points/s mostly says how busy the machine was.
//   npx tsx bench/metrics-ingest-cpu.ts            (DATABASE_URL, or the local test database)
// 200 content items of one brand, 3 warm-up requests, then 12 timed requests of 10,000 hourly
// points each (as bench/metrics.ts sends them), one at a time, through app.inject.
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { runMigrations } from '../src/db/migrate.js'

const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const name = `herald_bench_ingest_cpu_${Date.now()}`
const a = new pg.Client({ connectionString: admin }); await a.connect(); await a.query(`CREATE DATABASE ${name}`)
const url = new URL(admin); url.pathname = `/${name}`
try {
  await runMigrations(url.toString())
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' })
  const app = await buildApp({ config, databaseUrl: url.toString(), jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
  const s = (await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Ingest CPU', name: 'C', email: 'ingest-cpu@example.com', password: 'correct horse battery' } })).json()
  const db = new pg.Client({ connectionString: url.toString() }); await db.connect()
  const orgId = s.organization.id
  await db.query("INSERT INTO brands (organization_id, name, time_zone) VALUES ($1, 'B', 'Europe/Paris')", [orgId])
  await db.query("INSERT INTO campaigns (organization_id, brand_id, name, objective, status) SELECT b.organization_id, b.id, 'C' || c, 'engagement', 'active' FROM brands b CROSS JOIN generate_series(1, 4) c WHERE b.organization_id = $1", [orgId])
  await db.query("INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, status, created_by_type) SELECT c.organization_id, c.brand_id, c.id, 'P' || n, 'post', 'published', 'system' FROM campaigns c CROSS JOIN generate_series(1, 50) n WHERE c.organization_id = $1", [orgId])
  const items = (await db.query('SELECT id FROM content_items WHERE organization_id = $1 ORDER BY id', [orgId])).rows as Array<{ id: string }>
  const body = (k: number) => JSON.stringify({
    points: Array.from({ length: 10_000 }, (_v, j) => ({ subjectType: 'content_item', subjectId: items[j % items.length].id, metric: 'impressions', granularity: 'hour', periodStart: new Date(Date.UTC(2026, 0, 1) + (k * 50 + Math.floor(j / items.length)) * 3_600_000).toISOString(), value: j, source: 'bench', collectedAt: '2026-06-01T00:00:00Z' }))
  })
  /** CPU ms of the app's backends (every connection to this database but ours). */
  const backendCpu = async () => {
    const pids = (await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid as number)
    let ms = 0
    for (const pid of pids) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
        ms += (Number(f[11]) + Number(f[12])) * 1000 / 100 // utime + stime, in clock ticks of 10 ms
      } catch { /* a backend that has gone */ }
    }
    return ms
  }
  const send = async (payload: string) => {
    const r = await app.inject({ method: 'POST', url: '/v1/metrics', headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' }, payload })
    if (r.statusCode !== 200) throw new Error(r.body)
  }
  const N = 12
  const bodies = Array.from({ length: N + 3 }, (_v, k) => body(k))
  for (let k = 0; k < 3; k++) await send(bodies[k])
  const b0 = await backendCpu(); const n0 = process.cpuUsage(); const t0 = performance.now()
  for (let k = 3; k < N + 3; k++) await send(bodies[k])
  const wall = (performance.now() - t0) / N
  const n = process.cpuUsage(n0); const node = (n.user + n.system) / 1000 / N
  const pgCpu = (await backendCpu() - b0) / N
  console.log(`per 10,000-point request: Node ${node.toFixed(0)} ms CPU, PostgreSQL ${pgCpu.toFixed(0)} ms CPU, ${(node + pgCpu).toFixed(0)} ms in all (wall ${wall.toFixed(0)} ms, one at a time); two cores doing only this: ~${Math.round(2000 / (node + pgCpu) * 10_000).toLocaleString('en')} points/s`)
  await db.end(); await app.close()
} finally {
  await a.query(`DROP DATABASE ${name} WITH (FORCE)`); await a.end()
}
process.exit(0)
