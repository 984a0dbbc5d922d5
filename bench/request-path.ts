// Herald's request path against the stack's ceiling, in one run on this machine: the same four
// workloads on the same data, answered by Herald (auth, row-level security, validation, rate
// limits, ETags and events all on) and by bench/baseline.ts (one SQL statement per request and
// nothing else). The ratios are the result; absolute numbers depend on the machine.
import autocannon from 'autocannon'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { freePort } from '../src/db/embedded.js'
import { seed, type Seeded } from './seed.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const JWT_SECRET = 'bench-secret-0123456789-abcdefghijklmnop'

export interface Target { ratio: number }
export const TARGETS: Record<string, number> = { list: 0.9, get: 0.85, create: 0.8, nested: 0.5 }
export const MEMORY_TARGET_MIB = 120
export const READY_TARGET_MS = 1000

export const NESTED_QUERY = `{ campaigns(first: 10) { edges { node { name contentItems(first: 20) { edges { node { title
  approval { status decisions { decision createdAt } } } } } } } } }`

interface Workload {
  name: string
  title: string
  herald: { method: 'GET' | 'POST', path: string, body?: (i: number) => unknown }
  baseline: { method: 'GET' | 'POST', path: string, body?: (i: number) => unknown }
  /** The hand-written server doing the same and writing every row Herald writes: reported, not a target. */
  sameRows?: { method: 'GET' | 'POST', path: string, body?: (i: number) => unknown }
}

function workloads (s: Seeded, memberId: string): Workload[] {
  const target = { targets: [{ socialAccountId: s.accounts[0] }, { socialAccountId: s.accounts[1] }] }
  const handWritten = (i: number) => ({ brandId: s.brandId, campaignId: s.campaignId, title: `Bench ${i}`, body: `A post for the benchmark, number ${i}`, createdBy: memberId, ...target })
  return [
    { name: 'list', title: 'list 50 items of a campaign', herald: { method: 'GET', path: `/v1/content-items?campaignId=${s.campaignId}&limit=50` }, baseline: { method: 'GET', path: `/items?campaignId=${s.campaignId}&limit=50` } },
    { name: 'get', title: 'get one item', herald: { method: 'GET', path: `/v1/content-items/${s.itemId}` }, baseline: { method: 'GET', path: `/items/${s.itemId}` } },
    {
      name: 'create',
      title: 'create an item (X and LinkedIn)',
      herald: { method: 'POST', path: '/v1/content-items', body: (i) => ({ brandId: s.brandId, campaignId: s.campaignId, title: `Bench ${i}`, kind: 'post', body: `A post for the benchmark, number ${i}`, ...target }) },
      baseline: { method: 'POST', path: '/items', body: handWritten },
      sameRows: { method: 'POST', path: '/items/herald-rows', body: handWritten }
    },
    { name: 'nested', title: 'GraphQL 10 campaigns → 20 items → decisions', herald: { method: 'POST', path: '/graphql', body: () => ({ query: NESTED_QUERY }) }, baseline: { method: 'POST', path: '/graphql', body: () => ({ query: NESTED_QUERY }) } }
  ]
}

/** A server process of ours, and the address it listens on once it answers. */
async function startProcess (args: string[], env: Record<string, string>, readyPath: string): Promise<{ child: ChildProcess, address: string, readyMs: number }> {
  const script = args[args.length - 1]
  const port = await freePort()
  const started = performance.now()
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_OPTIONS|HERALD_|DATABASE_URL|PORT|HOST)/.test(k)))
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...base, HOST: '127.0.0.1', PORT: String(port), ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const address = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`)
    if (await statusOf(address + readyPath) === 200) return { child, address, readyMs: performance.now() - started }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * The status of a GET (0 when nothing answers), with node:http rather than fetch: fetch's first
 * answered request builds its HTTP parser in this process (~60 ms here), which the ready time
 * counted as the server's until 2026-12-02.
 */
async function statusOf (url: string): Promise<number> {
  return await new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); res.on('end', () => { resolve(res.statusCode ?? 0) }) }).on('error', () => { resolve(0) })
  })
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc); with `reaped`,
 * also that of its children it has waited for. */
function cpuMsOf (pid: number, reaped = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
  // utime, stime, cutime, cstime are fields 14–17 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) * 10
}

/**
 * CPU time used so far by every PostgreSQL process on this machine, in ms: the database's share
 * of a workload (the bench is alone on the machine's PostgreSQL while it measures). A backend
 * that has exited counts through its postmaster (the children's time it has reaped).
 */
function postgresCpuMs (): number {
  const comm = (pid: string) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() } catch { return '' } }
  let total = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || comm(pid) !== 'postgres') continue
    try {
      const ppid = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]
      total += cpuMsOf(Number(pid), comm(ppid) !== 'postgres')
    } catch {}
  }
  return total
}

/** Resident memory of a process now and at its peak, in MiB (Linux /proc). */
function memoryOf (pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

/** One timed slice of load on one server: its totals, summed with its other slices by `total`. */
interface Slice { requests: number, seconds: number, cpuMs: number, pgMs: number, p99: number, failed: number }

async function load (address: string, w: Workload['herald'], token: string | null, seconds: number, pid?: number): Promise<Slice> {
  let i = 0
  const cpu0 = pid ? cpuMsOf(pid) : 0
  const pg0 = postgresCpuMs()
  const body = w.body
  // Created items stay distinct across slices (their numbers carry on from the last slice's).
  const offset = (bodies += 1) * 1_000_000
  const r = await autocannon({
    url: address + w.path,
    method: w.method,
    connections: 10,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { setupClient: (client: any) => { client.setBody(JSON.stringify(body(offset + i++))); client.on('response', () => { client.setBody(JSON.stringify(body(offset + i++))) }) } } : {})
  })
  return { requests: r.requests.total, seconds: r.duration, cpuMs: pid ? cpuMsOf(pid) - cpu0 : NaN, pgMs: postgresCpuMs() - pg0, p99: r.latency.p99, failed: r.non2xx + r.errors }
}
let bodies = 0

/** A server's slices as one measurement: requests over time, CPU over requests, the worst slice's p99. */
function total (slices: readonly Slice[]) {
  const sum = (f: (s: Slice) => number) => slices.reduce((n, s) => n + f(s), 0)
  const requests = Math.max(1, sum((s) => s.requests))
  return { rps: sum((s) => s.requests) / sum((s) => s.seconds), p99: Math.max(...slices.map((s) => s.p99)), failed: sum((s) => s.failed), cpuPerRequest: sum((s) => s.cpuMs) / requests, pgPerRequest: sum((s) => s.pgMs) / requests }
}

/**
 * The servers' measured runs, interleaved: `rounds` slices each, in the given order in even
 * rounds and reversed in odd ones (A B, B A, A B, B A), the database settled before each. Run
 * one after the other (until 2026-12-02: 8 s of the hand-written server, then 8 s of Herald),
 * a change in the machine's speed between the two windows moved the ratio: the same code read
 * 0.83-1.29x for get and 0.39-0.63x for nested within an hour, the hand-written server's own
 * rate 1957-2463 and 221-290 req/s. Alternating short slices gives both servers the same
 * share of every phase of the machine. `settleEach`, for a workload that writes: the database
 * is settled before every slice, so no slice pays for the rows the one before it wrote. A read
 * settles once: ANALYZE invalidates every cached plan, and Herald's prepared statements were
 * planned again after each (its nested query's PostgreSQL CPU 5.0 -> 6.3 ms a request with
 * 2-second slices).
 */
async function interleaved (runs: ReadonlyArray<() => Promise<Slice>>, rounds: number, settleFirst: () => Promise<void>, settleEach: boolean) {
  const slices = runs.map((): Slice[] => [])
  await settleFirst()
  for (let round = 0; round < rounds; round++) {
    const order = runs.map((_, k) => round % 2 === 0 ? k : runs.length - 1 - k)
    for (const [n, k] of order.entries()) {
      if (settleEach && (round > 0 || n > 0)) await settleFirst()
      slices[k].push(await runs[k]())
    }
  }
  return slices.map(total)
}

/**
 * Settles the database before a timed run: VACUUM (ANALYZE) and a CHECKPOINT, waited for. The
 * create workload inserts thousands of rows (the hand-written server four times as many as
 * Herald, in the same tables); without this, autovacuum, analyze and the checkpointer came
 * due during whichever run followed, and their CPU, counted as PostgreSQL's, and their I/O
 * landed on that server's measurement, not on the writes that caused them.
 */
async function settle (databaseUrl: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    await db.query('VACUUM (ANALYZE)')
    await db.query('CHECKPOINT')
  } finally {
    await db.end()
  }
}

/** Statements and round trips of one request of each workload, counted in an app of our own. */
async function costs (databaseUrl: string, token: string, list: Workload[]) {
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000000' })
  const trips: string[][] = []
  const app = await buildApp({ config, databaseUrl, jwtSecret: JWT_SECRET, observeRoundTrip: (statements) => { trips.push(statements) } })
  const out: Record<string, { statements: number, roundTrips: number }> = {}
  try {
    for (const w of list) {
      // Once to warm caches, once counted.
      for (let pass = 0; pass < 2; pass++) {
        trips.length = 0
        const res = await app.inject({ method: w.herald.method, url: w.herald.path, headers: { authorization: `Bearer ${token}` }, ...(w.herald.body ? { payload: w.herald.body(1_000_000 + pass) as object } : {}) })
        if (res.statusCode >= 300) throw new Error(`${w.name}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      }
      out[w.name] = { statements: trips.reduce((n, t) => n + t.length, 0), roundTrips: trips.length }
    }
  } finally {
    await app.close()
  }
  return out
}

/**
 * `warmup` seconds of the same load before each measured run, for both servers: Herald's request
 * path is far more code than the hand-written server's, and V8 optimizes it as it runs. With 2 s
 * (until 2026-12-02), Herald's create measured 486 req/s (1.62 ms of CPU a request) in the
 * window after, and 589-625 req/s (1.06-1.12 ms) in the three windows of the same length that
 * followed it: the first window measured V8's warm-up, not the request path. The hand-written
 * server, a few functions, is warm within a second either way.
 */
export async function benchRequestPath (databaseUrl: string, seconds = 8, warmup = seconds): Promise<boolean> {
  // Herald runs as the image runs it: built (npm run build: one bundled file), `node --max-semi-space-size=32 dist/server.js`.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' })
  // BENCH_CPU_PROF=<dir>: Herald writes a CPU profile of the whole run there (node --cpu-prof).
  // BENCH_NODE_FLAGS='--perf-basic-prof': more node flags for Herald (to profile it with perf);
  // V8 then refuses the build's code cache (src/lib/code-cache.ts), which only slows the start.
  const prof = [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])]
  const herald = await startProcess([...prof, '--max-semi-space-size=32', 'dist/server.js'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', JWT_SECRET, RATE_LIMIT_MAX: '1000000000', NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' }, '/readyz')
  let baseline: ChildProcess | undefined
  try {
    const signup = await fetch(`${herald.address}/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organizationName: 'Bench', name: 'Bench', email: `bench-${Date.now()}@example.com`, password: 'correct horse battery staple' }) })
    const session = await signup.json() as { accessToken: string, organization: { id: string } }
    const me = await (await fetch(`${herald.address}/v1/me`, { headers: { authorization: `Bearer ${session.accessToken}` } })).json() as { membershipId: string }
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    const seeded = await seed(db, session.organization.id, me.membershipId)
    await db.end()
    const idle = memoryOf(herald.child.pid!)
    const b = await startProcess(['--import', 'tsx', 'bench/baseline.ts'], { DATABASE_URL: databaseUrl, HERALD_BENCH_ORG: session.organization.id }, '/healthz')
    baseline = b.child

    // BENCH_WORKLOADS=get,nested: only those (to profile one workload; the verdict then covers only them).
    const only = process.env.BENCH_WORKLOADS?.split(',')
    const list = workloads(seeded, me.membershipId).filter((w) => !only || only.includes(w.name))
    const cost = await costs(databaseUrl, session.accessToken, list)
    let ok = true
    const notes: string[] = []
    console.log('\nRequest path against a hand-written Fastify + pg server (one SQL per request), same data, same run:')
    console.log('| workload | hand-written req/s | Herald req/s | ratio (target) | Herald p99 | SQL statements / round trips | CPU ms per request, server (hand-written / Herald) | CPU ms per request, PostgreSQL (hand-written / Herald) |')
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
    const rounds = Math.max(1, Number(process.env.BENCH_SLICES ?? 4))
    const slice = seconds / rounds
    for (const w of list) {
      // Warm both (and the same-rows create) first, then measure them in alternating slices.
      await load(b.address, w.baseline, null, warmup)
      await load(herald.address, w.herald, session.accessToken, warmup)
      if (w.sameRows) await load(b.address, w.sameRows, null, warmup)
      const runs = [
        async () => await load(b.address, w.baseline, null, slice, b.child.pid),
        async () => await load(herald.address, w.herald, session.accessToken, slice, herald.child.pid),
        ...(w.sameRows ? [async () => await load(b.address, w.sameRows!, null, slice, b.child.pid)] : [])
      ]
      const [base, ours, rows] = await interleaved(runs, rounds, async () => { await settle(databaseUrl) }, w.name === 'create')
      const ratio = ours.rps / base.rps
      const pass = ratio >= TARGETS[w.name] && ours.failed === 0 && base.failed === 0
      ok &&= pass
      console.log(`| ${pass ? '' : 'FAIL '}${w.title} | ${Math.round(base.rps)} | ${Math.round(ours.rps)} | ${ratio.toFixed(2)}× (≥ ${TARGETS[w.name]}) | ${ours.p99} ms | ${cost[w.name].statements} / ${cost[w.name].roundTrips} | ${base.cpuPerRequest.toFixed(2)} / ${ours.cpuPerRequest.toFixed(2)} | ${base.pgPerRequest.toFixed(2)} / ${ours.pgPerRequest.toFixed(2)} |${ours.failed ? ` ${ours.failed} failed` : ''}`)
      if (rows) {
        // The ceiling those rows leave a create, measured in the same slices.
        notes.push(`${w.title}: the hand-written server writing every row Herald writes (item, targets, revision, event, owed deliveries; one statement) ran at ${Math.round(rows.rps)} req/s, ${(rows.rps / base.rps).toFixed(2)}× of its one-insert create (CPU ms a request: server ${rows.cpuPerRequest.toFixed(2)}, PostgreSQL ${rows.pgPerRequest.toFixed(2)}); Herald ${(ours.rps / rows.rps).toFixed(2)}× of it.${rows.failed ? ` ${rows.failed} failed.` : ''}`)
      }
    }
    for (const note of notes) console.log(`\n${note}`)
    const peak = memoryOf(herald.child.pid!).peak
    const memOk = idle.rss <= MEMORY_TARGET_MIB
    const readyOk = herald.readyMs <= READY_TARGET_MS
    ok &&= memOk && readyOk
    console.log(`\nHerald memory: idle ${idle.rss.toFixed(0)} MiB (${memOk ? 'ok' : 'FAIL'}, ≤ ${MEMORY_TARGET_MIB}), peak ${peak.toFixed(0)} MiB; ready ${Math.round(herald.readyMs)} ms after start with the database up (${readyOk ? 'ok' : 'FAIL'}, ≤ ${READY_TARGET_MS})`)
    return ok
  } finally {
    baseline?.kill('SIGTERM')
    herald.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
}
