import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import type { buildApp as BuildApp } from './app.js'
import { pino } from 'pino'
import { ConfigError, loadConfig, type Config } from './config.js'
import { EmbeddedStartError, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js'
import { runMigrations } from './db/migrate.js'
import type { CodeCacheUse } from './lib/code-cache.js'

// Start-up (src/server.ts, the process entry, runs it): config -> database -> migrations (and the
// job queue's schema) -> app -> listen (HERALD_ROLE api|all) and/or run jobs (worker|all);
// graceful shutdown.

/** JWT_SECRET, or one generated on first start and kept in the data dir (never in production). */
async function jwtSecret (config: Config): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret
  const file = path.join(path.resolve(config.dataDir), 'jwt-secret')
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  await mkdir(path.dirname(file), { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  await writeFile(file, secret + '\n', { mode: 0o600 })
  return secret
}

/** Copies of one Ctrl-C arrive within this long of each other (see the signal handler). */
const DUPLICATE_SIGNAL_MS = 1_000

/** How the process was loaded, for the start-up log line (src/server.ts). */
export interface StartOptions {
  /** Whether the bundle's code cache was used (src/lib/code-cache.ts); absent under tsx. */
  codeCache?: CodeCacheUse
}

async function main (options: StartOptions): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  // Lines logged before the app (and its logger) exist, in the same format.
  const log = pino({ level: config.logLevel })
  // What is running so far, for the shutdown handler to close.
  const running: { app?: FastifyInstance, embedded?: EmbeddedDatabase } = {}
  let received: NodeJS.Signals | undefined
  // Installed first, so a signal during start-up still stops an embedded cluster. On SIGTERM or
  // SIGINT: /readyz turns 503, the server stops accepting, in-flight requests finish, then the
  // pool and the cluster close and the process exits 0 (1 after an error or the SHUTDOWN_GRACE_MS
  // deadline, 10 s by default).
  // close-with-grace handles errors; signals are handled below, because it exits at once on a
  // second signal, and one Ctrl-C of `npm start` reaches the server more than once.
  const grace = closeWithGrace({ delay: config.shutdownGraceMs, skip: ['SIGINT', 'SIGTERM'] }, async ({ err }) => {
    const { app, embedded } = running
    if (!app) {
      if (err) console.error(err)
      else log.info({ signal: received }, 'shutting down during start-up')
    } else if (err) app.log.fatal({ err }, 'shutting down after an unexpected error')
    else app.log.info({ signal: received }, 'shutting down')
    await app?.close()
    await embedded?.stop()
    if (!err) (app?.log ?? log).info('stopped: every request finished, the database closed')
  })
  // A terminal sends Ctrl-C's SIGINT to its whole foreground process group: npm, tsx and this
  // process each get it, and npm forwards its own copy to its child, so the server may hear
  // one key press twice. Copies arriving together are one request to drain; a signal sent
  // again later (a second Ctrl-C) means "stop now".
  let firstAt = 0
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now()
    if (!received) {
      received = signal
      firstAt = now
      grace.close()
    } else if (now - firstAt < DUPLICATE_SIGNAL_MS) {
      (running.app?.log ?? log).info({ signal }, 'signal received again while draining; still draining (send it again to stop at once)')
    } else {
      (running.app?.log ?? log).error({ signal }, 'second signal: exiting without waiting for in-flight requests')
      process.exit(1)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  let databaseUrl = config.databaseUrl
  if (!databaseUrl) {
    running.embedded = await startEmbeddedPostgres(path.join(config.dataDir), {
      ownSignals: true,
      notice: (msg) => log.warn(msg)
    })
    databaseUrl = running.embedded.url
  }
  // The app's modules (fastify, mercurius, graphql, zod, the modules: most of the start-up)
  // load while the migrations talk to the database, instead of before (under tsx; the built
  // dist/main.cjs is one file, whose packages all load before its code runs).
  const appModule: Promise<{ buildApp: typeof BuildApp }> = import('./app.js')
  appModule.catch(() => {})
  await runMigrations(databaseUrl)
  const { buildApp } = await appModule
  const app = running.app = await buildApp({ config, databaseUrl, jwtSecret: await jwtSecret(config) })
  // The pool's first connection opens while the app gets ready (its job worker, the listen),
  // not on the first request (/readyz, a load balancer's): ~30-40 ms of a start on these
  // machines. A database not up yet only means the first request connects, as before.
  app.pool.connect().then((client) => { client.release() }, () => {})

  if (config.role === 'worker') {
    // A worker alone (npm run worker): no port; it runs jobs until a signal stops it, letting
    // running jobs finish (or returning them to the queue) before the pool closes.
    await app.ready()
    app.log.info({ concurrency: config.jobs.concurrency }, 'Herald worker is running jobs (HERALD_ROLE=worker: no HTTP)')
    return
  }
  // The bound address, not the configured one: PORT=0 asks the kernel for a free port.
  const address = await app.listen({ host: config.host, port: config.port })
  app.log.info({ address, role: config.role, codeCache: options.codeCache }, `Herald is serving on ${address} (docs at ${address}/docs)${config.role === 'all' ? ' and running jobs' : ''}`)
}

/** Starts Herald; resolves once it serves (or, as a worker alone, runs jobs). A failure exits 1. */
export async function start (options: StartOptions = {}): Promise<void> {
  await main(options).catch((err) => {
    // A refusal the operator can act on is printed as its message alone; anything else in full.
    console.error(err instanceof EmbeddedStartError ? err.message : err)
    process.exit(1)
  })
}

/**
 * The build's warm-up for the bundle's code cache (scripts/build.mjs): builds the app as start()
 * does, made ready, and answers a request that needs no database, so that the functions a start
 * runs are compiled when the cache is written. No database is reached (the pool connects on a
 * first query; the job worker does not run with HERALD_ROLE=api), nothing is listened on or
 * written.
 */
export async function prepareCodeCache (): Promise<void> {
  // The image's settings for what is compiled; nothing of this process's environment is needed.
  const config = loadConfig({
    NODE_ENV: 'production',
    HERALD_ROLE: 'api',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://herald@127.0.0.1:1/unused',
    JWT_SECRET: randomBytes(32).toString('base64url')
  })
  const { buildApp } = await import('./app.js')
  const app = await buildApp({ config, databaseUrl: config.databaseUrl!, jwtSecret: config.jwtSecret! })
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  await app.close()
  if (res.statusCode !== 200) throw new Error(`the warm-up's /healthz answered ${res.statusCode}`)
}
