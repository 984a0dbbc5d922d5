// `npx tsx bench/publishing-only.ts`: the publishing scenario of `npm run bench` alone.
import path from 'node:path'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { publishingBench } from './publishing.js'

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', HERALD_ROLE: 'all' })
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'bench'))
const admin = config.databaseUrl ?? embedded!.url
const dbName = `herald_bench_${randomBytes(4).toString('hex')}`
const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${dbName}`)
const url = new URL(admin); url.pathname = `/${dbName}`
await runMigrations(url.toString())
const app = await buildApp({ config, databaseUrl: url.toString(), jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
await app.ready()
let ok = false
try {
  const token = (await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Bench', name: 'B', email: 'bench@example.com', password: 'correct horse battery' } })).json().accessToken
  const H = { authorization: `Bearer ${token}` }
  const brand = (await app.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: 'Bench', timeZone: 'UTC' } })).json()
  const x = (await app.inject({ method: 'POST', url: '/v1/social-accounts', headers: H, payload: { brandId: brand.id, platform: 'x', handle: 'bench_pub' } })).json()
  const result = await publishingBench(app, url.toString(), token, brand.id, x.id)
  console.log(result.line)
  ok = result.ok
} finally {
  await app.close()
  await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`); await c.end()
  await embedded?.stop()
}
process.exit(ok ? 0 : 1)
