// `tsx bench/request-path-main.ts`: the request-path comparison alone (npm run bench runs it too).
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { benchRequestPath } from './request-path.js'

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' })
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'bench'))
const admin = config.databaseUrl ?? embedded!.url
const dbName = `herald_bench_${randomBytes(4).toString('hex')}`
const c = new pg.Client({ connectionString: admin })
await c.connect()
await c.query(`CREATE DATABASE ${dbName}`)
const url = new URL(admin)
url.pathname = `/${dbName}`
let ok = false
try {
  await runMigrations(url.toString())
  ok = await benchRequestPath(url.toString(), Number(process.env.BENCH_SECONDS ?? 8), Number(process.env.BENCH_WARMUP_SECONDS ?? process.env.BENCH_SECONDS ?? 8))
} finally {
  await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`)
  await c.end()
  await embedded?.stop()
}
process.exit(ok ? 0 : 1)
