// Prints the SQL round trips of one request of a workload: `npx tsx bench/trips.ts nested`.
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { runMigrations } from '../src/db/migrate.js'
import { seed } from './seed.js'
import { NESTED_QUERY } from './request-path.js'

const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const name = `herald_trips_${Date.now()}`
const a = new pg.Client({ connectionString: admin }); await a.connect(); await a.query(`CREATE DATABASE ${name}`); await a.end()
const url = new URL(admin); url.pathname = '/' + name
const databaseUrl = url.toString()
await runMigrations(databaseUrl)
const trips: string[][] = []
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000000', JWT_SECRET: 'bench-secret-0123456789-abcdefghijklmnop', NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' })
const app = await buildApp({ config, databaseUrl, jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop', observeRoundTrip: (s) => { trips.push(s) } })
const s = await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'P', name: 'P', email: 'p@example.com', password: 'correct horse battery staple' } })
const session = s.json()
const me = (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${session.accessToken}` } })).json()
const db = new pg.Client({ connectionString: databaseUrl }); await db.connect()
const seeded = await seed(db, session.organization.id, me.membershipId); await db.end()
const which = process.argv[2] ?? 'nested'
const req = which === 'nested'
  ? { method: 'POST' as const, url: '/graphql', payload: { query: NESTED_QUERY } }
  : which === 'list'
    ? { method: 'GET' as const, url: `/v1/content-items?campaignId=${seeded.campaignId}&limit=50` }
    : which === 'get'
      ? { method: 'GET' as const, url: `/v1/content-items/${seeded.itemId}` }
      : { method: 'POST' as const, url: '/v1/content-items', payload: { brandId: seeded.brandId, campaignId: seeded.campaignId, title: 'P', kind: 'post', body: 'A post', targets: [{ socialAccountId: seeded.accounts[0] }, { socialAccountId: seeded.accounts[1] }] } }
for (let i = 0; i < 2; i++) {
  trips.length = 0
  const t0 = performance.now()
  const r = await app.inject({ ...req, headers: { authorization: `Bearer ${session.accessToken}` } })
  console.log(r.statusCode, (performance.now() - t0).toFixed(1), 'ms', r.body.length, 'bytes')
}
if (process.env.KEEP) { const { writeFileSync } = await import('node:fs'); writeFileSync('/tmp/trips.json', JSON.stringify({ databaseUrl, trips })) }
for (const t of trips) console.log('--- trip\n' + t.map((x) => x.slice(0, Number(process.env.WIDTH ?? 600))).join('\n;\n'))
await app.close()
if (process.env.KEEP) process.exit(0)
const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`DROP DATABASE ${name} WITH (FORCE)`); await c.end()
