import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createDatabase, databaseUrl } from '../helper.js'

// Graceful shutdown, proven on the real process: `src/server.ts` started as `npm start` starts
// it, SIGTERM sent while requests are in flight. Nothing here measures time; the deadlines
// only keep a broken shutdown from hanging the suite.

const ROOT = path.resolve(import.meta.dirname, '../..')
const PASSWORD = 'correct horse battery staple'

interface LogLine { msg?: string, signal?: string, address?: string, res?: { statusCode: number } }

function startServer (env: Record<string, string>) {
  // A clean environment: tap's NODE_OPTIONS (its loaders and process-info hooks) must not leak
  // into the server, which should run exactly as in production.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_OPTIONS|TAP|HERALD_|DATABASE_URL|PORT|HOST)/.test(k)))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...base, NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', JWT_SECRET: 'shutdown-test-secret-0123456789abcdefghijkl', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: LogLine[] = []
  const raw: string[] = []
  const waiters: Array<() => void> = []
  let buffer = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      raw.push(line)
      try { lines.push(JSON.parse(line)) } catch { lines.push({ msg: line }) }
      for (const w of waiters.splice(0)) w()
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => { raw.push(chunk) })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal })
      for (const w of waiters.splice(0)) w()
    })
  })

  /** Resolves when a log line matches; rejects after `ms` or when the process ends first. */
  async function waitFor (test: (lines: LogLine[]) => boolean, what: string, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!test(lines)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before ${what}:\n${raw.join('\n')}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${raw.join('\n')}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 500).unref()
      })
    }
  }

  return { child, lines, raw, exited, waitFor }
}

async function signupRequest (base: string, i: number): Promise<number> {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: `Shutdown ${i}`, name: 'Owner', email: `shutdown-${i}-${Date.now()}@example.com`, password: PASSWORD })
  })
  await res.arrayBuffer()
  return res.status
}

/** Starts requests, waits until the server has received them all, then sends SIGTERM. */
async function drainTest (t: Test, server: ReturnType<typeof startServer>) {
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  await server.waitFor((l) => l.some((x) => x.msg?.startsWith('Herald is serving on')), 'the server to listen')
  const base = server.lines.find((x) => x.msg?.startsWith('Herald is serving on'))!.address!
  t.equal((await fetch(`${base}/healthz`)).status, 200)

  // Sign-ups hash a password with argon2id: slow enough to still be running when the signal lands.
  const n = 6
  const inFlight = Array.from({ length: n }, (_, i) => signupRequest(base, i).catch((err) => `failed: ${err?.cause?.code ?? err}`))
  await server.waitFor((l) => l.filter((x) => x.msg === 'incoming request').length >= n, 'every request to arrive')
  server.child.kill('SIGTERM')

  const statuses = await Promise.all(inFlight)
  t.same(statuses, Array(n).fill(201), 'every in-flight request finished with its normal status')
  const { code, signal } = await server.exited
  t.equal(signal, null, 'not killed by the signal')
  t.equal(code, 0, 'exit code 0')
  const shutdownAt = server.lines.findIndex((x) => x.msg === 'shutting down')
  t.ok(shutdownAt >= 0, 'logged "shutting down"')
  t.equal(server.lines[shutdownAt]?.signal, 'SIGTERM')
  // Proof that the test tested something: at least one request was still running at SIGTERM.
  const completedAfter = server.lines.slice(shutdownAt).filter((x) => x.msg === 'request completed' && x.res?.statusCode === 201)
  t.ok(completedAfter.length >= 1, `requests completed after the signal (${completedAfter.length})`)
}

t.test('SIGTERM on an external database: in-flight requests finish, exit 0', async (t) => {
  const db = await createDatabase(t)
  await drainTest(t, startServer({ DATABASE_URL: databaseUrl(db) }))
})

t.test('SIGTERM on the embedded database: requests finish, then the cluster stops, exit 0', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'herald-shutdown-'))
  // mkdtemp makes it 0700; as root, PostgreSQL runs as its own user and must be able to enter it.
  chmodSync(dataDir, 0o755)
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  await drainTest(t, startServer({ HERALD_DATA_DIR: dataDir }))
  t.notOk(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'the embedded PostgreSQL stopped cleanly')
})
