// Profiles one workload in-process: `npx tsx bench/profile.ts nested 300` writes a CPU profile
// (node --cpu-prof) of 300 requests after a warm-up, on a fresh database seeded like the bench.
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { runMigrations } from '../src/db/migrate.js'
import { seed } from './seed.js'
import { NESTED_QUERY } from './request-path.js'

const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const name = `herald_prof_${Date.now()}`
const a = new pg.Client({ connectionString: admin }); await a.connect(); await a.query(`CREATE DATABASE ${name}`); await a.end()
const url = new URL(admin); url.pathname = '/' + name
const databaseUrl = url.toString()
await runMigrations(databaseUrl)
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000000', JWT_SECRET: 'bench-secret-0123456789-abcdefghijklmnop', NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' })
const app = await buildApp({ config, databaseUrl, jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
const s = await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'P', name: 'P', email: 'p@example.com', password: 'correct horse battery staple' } })
const session = s.json()
const me = (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${session.accessToken}` } })).json()
const db = new pg.Client({ connectionString: databaseUrl }); await db.connect()
const seeded = await seed(db, session.organization.id, me.membershipId); await db.end()
const which = process.argv[2] ?? 'nested'
const n = Number(process.argv[3] ?? 200)
const req = (i: number) => which === 'nested'
  ? { method: 'POST' as const, url: '/graphql', payload: { query: NESTED_QUERY } }
  : which === 'list'
    ? { method: 'GET' as const, url: `/v1/content-items?campaignId=${seeded.campaignId}&limit=50` }
    : which === 'get'
      ? { method: 'GET' as const, url: `/v1/content-items/${seeded.itemId}` }
      : { method: 'POST' as const, url: '/v1/content-items', payload: { brandId: seeded.brandId, campaignId: seeded.campaignId, title: `P ${i}`, kind: 'post', body: `A post ${i}`, targets: [{ socialAccountId: seeded.accounts[0] }, { socialAccountId: seeded.accounts[1] }] } }
const run = async (count: number, off: number) => {
  const t0 = performance.now()
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: 10 }, async (_, j) => {
      const r = await app.inject({ ...req(off + i + j), headers: { authorization: `Bearer ${session.accessToken}` } })
      if (r.statusCode >= 300) throw new Error(r.body)
    }))
  }
  return (performance.now() - t0) / count
}
await run(50, 0)
const { Session } = await import('node:inspector/promises')
const session2 = new Session(); session2.connect()
const heap = process.env.HEAP === '1'
if (heap) { await session2.post('HeapProfiler.enable'); await session2.post('HeapProfiler.startSampling', { samplingInterval: 4096 }) } else { await session2.post('Profiler.enable'); await session2.post('Profiler.start') }
const cpu0 = process.cpuUsage()
const ms = await run(n, 100000)
const cpu = process.cpuUsage(cpu0)
const { profile } = heap ? await session2.post('HeapProfiler.stopSampling') as any : await session2.post('Profiler.stop')
if (heap) { const { writeFileSync } = await import('node:fs'); writeFileSync(`/tmp/heap-${which}.json`, JSON.stringify(profile)) }
const { writeFileSync } = await import('node:fs')
writeFileSync(`/tmp/prof-${which}.cpuprofile`, JSON.stringify(profile))
console.log(which, ms.toFixed(2), 'ms/request,', ((cpu.user + cpu.system) / 1000 / n).toFixed(3), 'ms CPU/request (this process, profiler on)')
await app.close()
const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`DROP DATABASE ${name} WITH (FORCE)`); await c.end()
