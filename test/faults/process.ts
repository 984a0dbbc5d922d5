// Herald as a real process, for the fault tests: `src/server.ts` started the way `npm start`
// starts it (or its compiled copy, see below), its JSON log lines collected so a test can wait for what it prints. Nothing here
// measures time; deadlines only keep a broken server from hanging the suite.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { projectRoot } from '../../src/lib/project-files.js'

// The checkout (the tests run compiled, from a directory of their own below it).
export const ROOT = projectRoot
export const PASSWORD = 'correct horse battery staple'

export interface LogLine { msg?: string, signal?: string, address?: string, level?: number, res?: { statusCode: number }, [k: string]: unknown }

export interface ServerProcess {
  child: ChildProcess
  lines: LogLine[]
  raw: string[]
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  waitFor: (test: (lines: LogLine[]) => boolean, what: string, ms?: number) => Promise<void>
  /** The address it listens on, once it logged "Herald is serving on …". */
  listening: () => Promise<string>
}

export interface StartOptions {
  /**
   * Run `npm start` (npm, then tsx, then the server) in a process group of its own, as a
   * terminal runs it: `kill(-child.pid, signal)` then reaches every process of it, as Ctrl-C does.
   */
  npmStart?: boolean
  /** Run this built bundle (`node scripts/build.mjs <file>`) with node, as the image runs dist/server.js. */
  bundle?: string
}

/**
 * scripts/test.ts bundles src/server.ts once for the run (HERALD_TEST_BUILD, the directory;
 * scripts/test-bundle.ts): a server started directly runs that JavaScript, without tsx's
 * loader thread (~1 s less per start on a loaded machine) and without resolving each module
 * through node_modules. `npmStart` still goes through npm and tsx, as a user's `npm start` does.
 */
const compiledServer = process.env.HERALD_TEST_BUILD ? path.join(process.env.HERALD_TEST_BUILD, 'src', 'server.js') : undefined

export function startServer (env: Record<string, string>, opts: StartOptions = {}): ServerProcess {
  // A clean environment: tap's NODE_OPTIONS (its loaders and process-info hooks) must not leak
  // into the server, which should run exactly as in production.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_OPTIONS|TAP|HERALD_|DATABASE_URL|PORT|HOST|npm_)/.test(k)))
  const [command, args] = opts.npmStart
    ? ['npm', ['start']]
    : [process.execPath, ['--max-semi-space-size=32', ...(opts.bundle ? [opts.bundle] : compiledServer ? ['--enable-source-maps', compiledServer] : ['--import', 'tsx', 'src/server.ts'])]]
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      ...base,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_SECRET: 'fault-test-secret-0123456789abcdefghijklmn',
      // A loaded machine (CI runs test files in parallel on 2 cores) may need more than the
      // default 10 s to finish slow requests; no fault test measures the deadline itself.
      SHUTDOWN_GRACE_MS: '60000',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.npmStart === true
  })
  const lines: LogLine[] = []
  const raw: string[] = []
  const waiters: Array<() => void> = []
  let buffer = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
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
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => { raw.push(chunk) })
  // Under `npm start`, npm may end on Ctrl-C before the server it started has finished (or even
  // logged) its drain; the server, which shares npm's stdout, is over only when the pipe
  // closes. A server started directly owns its pipe alone, so 'exit' is its end (and an
  // embedded PostgreSQL it leaves running after SIGKILL must not keep the test waiting).
  let over = false
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on(opts.npmStart === true ? 'close' : 'exit', (code: number | null, signal: NodeJS.Signals | null) => {
      over = true
      resolve({ code, signal })
      for (const w of waiters.splice(0)) w()
    })
  })

  async function waitFor (test: (lines: LogLine[]) => boolean, what: string, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!test(lines)) {
      if (over) throw new Error(`server exited before ${what}:\n${raw.join('\n')}`)
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${raw.join('\n')}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 500).unref()
      })
    }
  }

  async function listening (): Promise<string> {
    const serving = (l: LogLine) => typeof l.msg === 'string' && l.msg.startsWith('Herald is serving on')
    await waitFor((ls) => ls.some(serving), 'the server to listen')
    return lines.find(serving)!.address!
  }

  return { child, lines, raw, exited, waitFor, listening }
}

/** Signs up a new organization and returns its owner's access token. */
export async function signup (base: string, label: string): Promise<string> {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: `Org ${label}`, name: 'Owner', email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`, password: PASSWORD })
  })
  const body = await res.json() as { accessToken?: string }
  if (res.status !== 201 || !body.accessToken) throw new Error(`signup answered ${res.status}: ${JSON.stringify(body)}`)
  return body.accessToken
}

/** How many of a database's server connections are in each state (pg_stat_activity). */
export async function connectionStates (adminUrl: string, database: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    const { rows } = await c.query<{ state: string | null, n: number }>(
      'SELECT state, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() GROUP BY state', [database])
    return Object.fromEntries(rows.map((r) => [r.state ?? 'unknown', r.n]))
  } finally {
    await c.end()
  }
}
