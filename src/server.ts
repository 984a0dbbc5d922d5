import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js'
import { runMigrations } from './db/migrate.js'

// Process entry: config -> database -> migrations -> app -> listen; graceful shutdown.

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

async function main (): Promise<void> {
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
  // What is running so far, for the shutdown handler to close.
  const running: { app?: FastifyInstance, embedded?: EmbeddedDatabase } = {}
  // Installed first, so a signal during start-up still stops an embedded cluster. On SIGTERM:
  // /readyz turns 503, the server stops accepting, in-flight requests finish, then the pool and
  // the cluster close and the process exits 0 (1 after an error or the 10 s deadline).
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    const { app, embedded } = running
    if (!app) console.error(err ?? `${signal}: shutting down during start-up`)
    else if (err) app.log.fatal({ err }, 'shutting down after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app?.close()
    await embedded?.stop()
  })

  let databaseUrl = config.databaseUrl
  if (!databaseUrl) {
    running.embedded = await startEmbeddedPostgres(path.join(config.dataDir), { ownSignals: true })
    databaseUrl = running.embedded.url
  }
  await runMigrations(databaseUrl)
  const app = running.app = await buildApp({ config, databaseUrl, jwtSecret: await jwtSecret(config) })

  // The bound address, not the configured one: PORT=0 asks the kernel for a free port.
  const address = await app.listen({ host: config.host, port: config.port })
  app.log.info({ address }, `Herald is serving on ${address} (docs at ${address}/docs)`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
