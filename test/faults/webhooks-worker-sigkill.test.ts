import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { createDatabase, databaseUrl } from '../helper.js'
import { signup, startServer, type ServerProcess } from './process.js'

// FLT-4: SIGKILL of the worker while deliveries run loses no event. An API process and a worker
// process (HERALD_ROLE api / worker) on one database; a receiver that answers slowly (so sends
// are in flight at the kill) and dedupes by webhook-id. After the kill, the dead worker's job
// locks are cleared (graphile-worker would free them after 4 hours), a new worker starts, and
// every event arrives, each once after deduplication.

const N = 30
const HOOKS = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', JOBS_POLL_INTERVAL_MS: '200' }

async function stop (p: ServerProcess) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGTERM')
  const done = await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'))])
  if (done === 'timeout') p.child.kill('SIGKILL')
}

t.test('SIGKILL of the worker during deliveries loses no event', async (t) => {
  const db = await createDatabase(t)
  const url = databaseUrl(db)
  const received: string[] = []
  const bodies = new Map<string, { body: string, headers: http.IncomingHttpHeaders }>()
  const rx = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => { body += String(c) })
    req.on('end', () => {
      const id = String(req.headers['webhook-id'])
      received.push(id)
      bodies.set(id, { body, headers: req.headers })
      setTimeout(() => { res.writeHead(204).end() }, 150)
    })
  })
  await new Promise<void>((resolve) => rx.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { rx.closeAllConnections(); await new Promise((resolve) => rx.close(resolve)) })

  const api = startServer({ DATABASE_URL: url, HERALD_ROLE: 'api', ...HOOKS })
  t.teardown(async () => await stop(api))
  const base = await api.listening()
  const ready = (p: ServerProcess) => p.waitFor((ls) => ls.some((l) => typeof l.msg === 'string' && l.msg.includes('worker is running jobs')), 'the worker to start')
  const worker1 = startServer({ DATABASE_URL: url, HERALD_ROLE: 'worker', JOBS_CONCURRENCY: '4', ...HOOKS })
  t.teardown(async () => await stop(worker1))
  await ready(worker1)

  const token = await signup(base, 'sigkill')
  const H = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: H, body: JSON.stringify(body) })
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`)
    return await res.json() as any
  }
  const hook = await post('/v1/webhooks', { url: `http://127.0.0.1:${(rx.address() as AddressInfo).port}/`, eventTypes: ['campaign.created'] })
  const brand = await post('/v1/brands', { name: 'Kill brand', timeZone: 'UTC' })
  for (let i = 0; i < N; i++) await post('/v1/campaigns', { brandId: brand.id, name: `Campaign ${i}`, objective: 'awareness' })

  // Kill it mid-stream: some delivered, some in flight, the rest queued.
  const deadline = Date.now() + 30_000
  while (received.length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(received.length >= 5 && new Set(received).size < N, `killed after ${received.length} sends`)
  worker1.child.kill('SIGKILL')
  await worker1.exited

  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  t.teardown(async () => await admin.end())
  // What graphile-worker's sweep does after 4 hours, done now (see README "Webhooks").
  const unlocked = await admin.query('UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE locked_by IS NOT NULL')
  t.comment(`jobs the dead worker held: ${unlocked.rowCount}`)

  const worker2 = startServer({ DATABASE_URL: url, HERALD_ROLE: 'worker', JOBS_CONCURRENCY: '4', ...HOOKS })
  t.teardown(async () => await stop(worker2))
  await ready(worker2)

  const events = (await admin.query("SELECT id FROM events WHERE type = 'campaign.created'")).rows.map((r) => r.id as string)
  t.equal(events.length, N)
  const end = Date.now() + 60_000
  while (!events.every((id) => bodies.has(id)) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50))
  t.same([...new Set(received)].sort(), [...events].sort(), 'every event arrived; deduped by webhook-id, each once')
  t.comment(`${received.length} sends for ${N} events (${received.length - N} repeated after the kill)`)
  for (const [, r] of bodies) new Webhook(hook.secret).verify(r.body, r.headers as Record<string, string>)
  // The last settle statements may still be on their way.
  const unsettled = async () => (await admin.query("SELECT count(*) FILTER (WHERE status <> 'succeeded')::int AS n FROM webhook_deliveries")).rows[0].n as number
  let left = await unsettled()
  for (let i = 0; i < 100 && left > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    left = await unsettled()
  }
  t.equal(left, 0, 'every delivery settled as succeeded')
})
