import { Writable } from 'node:stream'
import pg from 'pg'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createDatabase, databaseUrl, JWT_SECRET } from '../helper.js'

// The job queue foundation (src/plugins/jobs.ts): graphile-worker in PostgreSQL, jobs added in
// the caller's transaction through herald_add_job, one job per key, typed task handlers run by
// a worker when HERALD_ROLE is worker or all, graceful shutdown.

declare module '../../src/plugins/jobs.js' {
  interface JobPayloads {
    'test-record': { value: string, sleepMs?: number }
    'test-fail': { value: string }
  }
}

type Tap = { teardown: (fn: () => unknown) => void, fail: (...args: any[]) => unknown }

async function start (t: Tap, env: Record<string, string> = {}) {
  const url = databaseUrl(await createDatabase(t))
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, JOBS_POLL_INTERVAL_MS: '100', ...env })
  const app = await buildApp({ config, databaseUrl: url, jwtSecret: JWT_SECRET, logStream: new Writable({ write (_c, _e, cb) { cb() } }) })
  const ran: Array<{ value: string, attempts: number, key: string | null }> = []
  const finished: string[] = []
  app.jobs.define('test-record', async (payload, job) => {
    ran.push({ value: payload.value, attempts: job.attempts, key: job.key })
    if (payload.sleepMs) await new Promise((resolve) => setTimeout(resolve, payload.sleepMs))
    finished.push(payload.value)
  })
  app.jobs.define('test-fail', async () => { throw new Error('always fails') })
  await app.ready()
  const owner = new pg.Pool({ connectionString: url, max: 2 })
  owner.on('error', () => {})
  let closed = false
  const close = async () => { if (!closed) { closed = true; await app.close() } }
  t.teardown(async () => { try { await close() } finally { await owner.end() } })
  const sql = async (text: string, values?: unknown[]) => (await owner.query(text, values as any[])).rows
  return { app, ran, finished, sql, close }
}

const until = async (what: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await what()) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return false
}
const pending = async (sql: (text: string, values?: unknown[]) => Promise<any[]>, key?: string) =>
  (await sql(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs${key ? ' WHERE key = $1' : ''}`, key ? [key] : []))[0].n as number

t.test('HERALD_ROLE: api, worker or all; all by default, api by default in tests', async (t) => {
  t.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).role, 'all')
  t.equal(loadConfig({ NODE_ENV: 'development' }).role, 'all')
  t.equal(loadConfig({ NODE_ENV: 'test' }).role, 'api')
  t.equal(loadConfig({ NODE_ENV: 'test', HERALD_ROLE: 'worker' }).role, 'worker')
  t.throws(() => loadConfig({ HERALD_ROLE: 'both' }), /HERALD_ROLE/)
  t.throws(() => loadConfig({ JOBS_CONCURRENCY: '0' }), /JOBS_CONCURRENCY/)
  t.match(loadConfig({}).jobs, { concurrency: 10, pollIntervalMs: 250, shutdownMs: 5000 })
})

t.test('jobs are added in the caller\'s transaction, one per key, and only through Herald\'s functions', async (t) => {
  const { app, sql } = await start(t)
  t.equal(app.jobs.working, false, 'no worker in an api-only process')
  const orgId = '00000000-0000-4000-8000-000000000001'

  // Rolled back with the change it belongs to: no job.
  await t.rejects(app.withTenant(orgId, async (tx) => {
    await app.jobs.add('test-record', { value: 'lost' }, { key: 'k:1' }, tx.db)
    throw new Error('the change failed')
  }), /the change failed/)
  t.equal(await pending(sql), 0, 'a rolled-back transaction leaves no job')

  // Committed: one job, and the same key twice is still one job, moved to the later time.
  const later = new Date(Date.now() + 3_600_000)
  await app.withTenant(orgId, async (tx) => {
    await app.jobs.add('test-record', { value: 'first' }, { key: 'k:1', runAt: new Date(Date.now() + 60_000) }, tx.db)
    await app.jobs.add('test-record', { value: 'second' }, { key: 'k:1', runAt: later }, tx.db)
  })
  const [job] = await sql("SELECT j.key, j.run_at, j.payload, j.max_attempts, t.identifier FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = 'k:1'")
  t.equal(await pending(sql, 'k:1'), 1, 'one job per key')
  t.match(job, { identifier: 'test-record', payload: { value: 'second' }, max_attempts: 5 })
  t.equal(new Date(job.run_at).getTime(), later.getTime(), 'moved to the new time')

  await app.withTenant(orgId, async (tx) => { await app.jobs.remove('k:1', tx.db) })
  t.equal(await pending(sql, 'k:1'), 0, 'removed')

  // Deferred: it rides with the COMMIT (no round trip of its own), and a rollback drops it.
  await t.rejects(app.withTenant(orgId, async (tx) => {
    await app.jobs.add('test-record', { value: 'deferred-lost' }, { key: 'k:2', deferred: true }, tx.db)
    throw new Error('the change failed')
  }), /the change failed/)
  t.equal(await pending(sql, 'k:2'), 0, 'a rolled-back transaction leaves no deferred job')
  let roundTrips = 0
  await app.withTenant(orgId, async (tx) => {
    await tx.query('SELECT 1')
    const client = (tx as unknown as { client: pg.PoolClient }).client
    const query = client.query.bind(client)
    client.query = ((...args: Parameters<typeof query>) => { roundTrips++; return query(...args) }) as typeof client.query
    await app.jobs.add('test-record', { value: 'deferred' }, { key: 'k:2', runAt: later, deferred: true }, tx.db)
    t.equal(roundTrips, 0, 'a deferred job costs no round trip of its own')
    t.equal(await pending(sql, 'k:2'), 0, 'not visible before the commit')
  })
  t.equal(roundTrips, 1, 'it travelled with the COMMIT')
  t.match((await sql("SELECT payload FROM graphile_worker._private_jobs WHERE key = 'k:2'"))[0], { payload: { value: 'deferred' } }, 'committed with the change')
  await app.jobs.remove('k:2')
  await app.jobs.remove('k:unknown')
  t.pass('removing a key that has no job is not an error')

  // The request role cannot reach the queue's tables directly, only the two functions.
  await t.rejects(app.withTenant(orgId, async (tx) => await tx.query('SELECT * FROM graphile_worker._private_jobs')), /permission denied/)
  const grants = await sql("SELECT has_function_privilege('herald_app', 'herald_add_job(text, json, text, timestamptz, integer, text, integer)', 'EXECUTE') AS app, has_function_privilege('herald_auth', 'herald_add_job(text, json, text, timestamptz, integer, text, integer)', 'EXECUTE') AS auth")
  t.same(grants[0], { app: true, auth: false })
})

t.test('a worker runs due jobs with their typed payloads, retries failures and stops cleanly', async (t) => {
  const { app, ran, sql } = await start(t, { HERALD_ROLE: 'all' })
  t.equal(app.jobs.working, true)
  await app.jobs.add('test-record', { value: 'now' })
  await app.jobs.add('test-record', { value: 'soon' }, { runAt: new Date(Date.now() + 400), key: 'soon' })
  t.ok(await until(() => ran.length === 2), 'both ran')
  t.same(ran.map((r) => r.value), ['now', 'soon'], 'in run-time order')
  t.same(ran[1], { value: 'soon', attempts: 1, key: 'soon' })
  // The handler records its run before the worker marks the job done: wait for the deletion.
  t.ok(await until(async () => await pending(sql) === 0), 'done jobs are deleted')
  t.equal(await pending(sql), 0, 'and none is left')

  await app.jobs.add('test-fail', { value: 'x' }, { key: 'failing', maxAttempts: 2 })
  t.ok(await until(async () => (await sql("SELECT last_error FROM graphile_worker._private_jobs WHERE key = 'failing'"))[0]?.last_error != null), 'a failure is recorded on the job')
  const [failed] = await sql("SELECT attempts, max_attempts, last_error, run_at > now() AS later FROM graphile_worker._private_jobs WHERE key = 'failing'")
  t.match(failed, { attempts: 1, max_attempts: 2, last_error: /always fails/, later: true }, 'and retried later, with back-off')
})

t.test('graceful shutdown lets a running job finish and takes no new one', async (t) => {
  const { app, ran, finished, sql, close } = await start(t, { HERALD_ROLE: 'worker', JOBS_SHUTDOWN_MS: '5000', JOBS_CONCURRENCY: '1' })
  await app.jobs.add('test-record', { value: 'long', sleepMs: 800 })
  t.ok(await until(() => ran.length === 1), 'started')
  // Queued behind it (one job at a time): still waiting when the shutdown begins.
  await app.jobs.add('test-record', { value: 'after' }, { key: 'after' })
  await close()
  t.same(finished, ['long'], 'the running job finished before the app closed')
  t.notOk(ran.some((r) => r.value === 'after'), 'the waiting one was not started while stopping')
  const left = await sql('SELECT key, locked_at FROM graphile_worker._private_jobs')
  t.same(left, [{ key: 'after', locked_at: null }], 'it stays queued, unlocked, for the next worker')
})

t.test('a job still running at the deadline is returned to the queue, not lost', async (t) => {
  const { app, ran, finished, sql, close } = await start(t, { HERALD_ROLE: 'worker', JOBS_SHUTDOWN_MS: '200' })
  await app.jobs.add('test-record', { value: 'too-long', sleepMs: 3_000 }, { key: 'too-long' })
  t.ok(await until(() => ran.length === 1), 'started')
  await close()
  t.same(finished, [], 'it had not finished')
  const rows = await sql("SELECT locked_at, attempts, last_error FROM graphile_worker._private_jobs WHERE key = 'too-long'")
  t.equal(rows.length, 1, 'the job is still queued')
  t.match(rows[0], { locked_at: null, attempts: 1, last_error: /returned to the queue/ }, 'unlocked, so another worker runs it again')
})
