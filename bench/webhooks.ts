// `npm run bench` (after bench/run.ts): webhook deliveries from one worker to a local receiver.
// Events are recorded through the real service path (each commit owes its deliveries and adds
// their jobs), at a steady offered rate; the receiver verifies every signature with the
// standardwebhooks package. Reports deliveries per second and the delay from each event's
// commit to its arrival (p50/p99). Targets: ≥ 300 deliveries/s, p99 < 1 s at that load.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 400) // events offered per second
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 8)
const BATCH_MS = 50

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN }

async function main () {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', HERALD_ROLE: 'all', JOBS_CONCURRENCY: process.env.JOBS_CONCURRENCY ?? '32', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'bench'))
  const admin = config.databaseUrl ?? embedded!.url
  const dbName = `herald_bench_wh_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${dbName}`)
  const url = new URL(admin); url.pathname = `/${dbName}`
  await runMigrations(url.toString())
  const app = await buildApp({ config, databaseUrl: url.toString(), jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
  await app.ready()

  let secret = ''
  const committedAt = new Map<string, number>()
  const delays: number[] = []
  const seen = new Set<string>()
  let bad = 0
  let firstAt = 0
  let lastAt = 0
  const receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (ch) => { body += String(ch) })
    req.on('end', () => {
      try { new Webhook(secret).verify(body, req.headers as Record<string, string>) } catch { bad++ }
      const id = String(req.headers['webhook-id'])
      const now = Date.now()
      if (!seen.has(id)) {
        seen.add(id)
        firstAt ||= now
        lastAt = now
        const at = committedAt.get(id)
        if (at) delays.push(now - at)
      }
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  let failed = false
  try {
    const signup = await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Bench hooks', name: 'B', email: 'bench-hooks@example.com', password: 'correct horse battery' } })
    const { accessToken: token, organization } = signup.json()
    const hook = await app.inject({ method: 'POST', url: '/v1/webhooks', headers: { authorization: `Bearer ${token}` }, payload: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, eventTypes: ['campaign.created'] } })
    secret = hook.json().secret

    const perBatch = Math.max(1, Math.round(RATE * BATCH_MS / 1000))
    const batches = Math.round(SECONDS * 1000 / BATCH_MS)
    let sent = 0
    const started = Date.now()
    for (let b = 0; b < batches; b++) {
      const ids = Array.from({ length: perBatch }, () => randomUUID())
      await app.background.inTenant(organization.id, 'bench', async (ctx) => {
        for (const id of ids) await app.events.record(ctx, { id, type: 'campaign.created', subjectType: 'campaign', subjectId: randomUUID(), data: { campaign: { id, name: 'bench', version: 1 } } })
      })
      const now = Date.now()
      for (const id of ids) committedAt.set(id, now)
      sent += ids.length
      const wait = started + (b + 1) * BATCH_MS - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
    const deadline = Date.now() + 30_000
    while (seen.size < sent && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    const rate = seen.size / Math.max(0.001, (lastAt - firstAt) / 1000)
    const p50 = pct(delays, 0.5)
    const p99 = pct(delays, 0.99)
    const ok = seen.size === sent && bad === 0 && rate >= 300 && p99 < 1000
    failed = !ok
    console.log(`${ok ? 'ok  ' : 'FAIL'} webhook deliveries (one worker, ${config.jobs.concurrency} at once, ${RATE}/s offered for ${SECONDS} s): ${seen.size}/${sent} delivered, ${Math.round(rate)} deliveries/s (≥ 300), commit→delivery p50 ${p50} ms, p99 ${p99} ms (< 1000), bad signatures ${bad}`)
  } finally {
    await app.close()
    receiver.closeAllConnections()
    receiver.close()
    await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`); await c.end()
    await embedded?.stop()
  }
  process.exit(failed ? 1 : 0)
}
main().catch((err) => { console.error(err); process.exit(1) })
