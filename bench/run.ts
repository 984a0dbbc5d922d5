// `npm run bench`: measures the hot paths on this machine and checks them against targets.
// Runs the real app on 127.0.0.1 (embedded PostgreSQL unless DATABASE_URL is set) and drives
// it with autocannon for a bounded time. Targets are deliberately modest for a 2-core box.
import autocannon from 'autocannon'
import path from 'node:path'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { publishingBench } from './publishing.js'

interface Scenario {
  title: string
  path: string
  method?: 'GET' | 'POST'
  body?: (i: number) => unknown
  /** Targets: worst acceptable p99 latency and lowest acceptable throughput. */
  p99Ms: number
  minRps: number
  /** Concurrent connections (default 10). */
  connections?: number
}

const NESTED = `{ brands(first: 5) { edges { node { name campaigns(first: 10) { edges { node { name
  contentItems(first: 20) { edges { node { title targets { platform socialAccount { handle } } } } } } } } } } } }`

async function seed (app: FastifyInstance, token: string) {
  const H = { authorization: `Bearer ${token}` }
  const post = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, headers: H, payload: payload as object })
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  for (let i = 0; i < 45; i++) await post('/v1/brands', { name: `Brand ${i}`, timeZone: 'UTC' })
  const brands = []
  for (let b = 0; b < 5; b++) {
    const brand = await post('/v1/brands', { name: `Busy brand ${b}`, timeZone: 'Europe/Paris' })
    const x = await post('/v1/social-accounts', { brandId: brand.id, platform: 'x', handle: `bench_x_${b}` })
    const li = await post('/v1/social-accounts', { brandId: brand.id, platform: 'linkedin', handle: `bench-li-${b}` })
    for (let c = 0; c < 10; c++) {
      const campaign = await post('/v1/campaigns', { brandId: brand.id, name: `Campaign ${c}`, objective: 'engagement', channelIds: [x.id, li.id] })
      await post('/v1/content-items/bulk', {
        items: Array.from({ length: 20 }, (_, i) => ({
          brandId: brand.id,
          campaignId: campaign.id,
          title: `Post ${c}.${i}`,
          kind: 'post',
          body: `Post ${i} of campaign ${c} #coffee`,
          targets: [{ socialAccountId: x.id }, { socialAccountId: li.id, body: `The LinkedIn version of post ${i}` }],
          scheduledAt: new Date(Date.UTC(2030, 2, 1 + ((c * 20 + i) % 28), 8 + (i % 10))).toISOString()
        }))
      })
    }
    brands.push({ id: brand.id, x: x.id, li: li.id })
  }
  return brands
}

async function main () {
  // HERALD_ROLE=all: the app runs a worker too, for the publishing scenario.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000', HERALD_ROLE: 'all' })
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'bench'))
  const admin = config.databaseUrl ?? embedded!.url
  const dbName = `herald_bench_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`CREATE DATABASE ${dbName}`)
  const url = new URL(admin); url.pathname = `/${dbName}`
  await runMigrations(url.toString())
  const app = await buildApp({ config, databaseUrl: url.toString(), jwtSecret: 'bench-secret-0123456789-abcdefghijklmnop' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  let failed = false
  try {
    const signup = await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Bench', name: 'B', email: 'bench@example.com', password: 'correct horse battery' } })
    const token = signup.json().accessToken
    const [busy] = await seed(app, token)
    const scenarios: Scenario[] = [
      { title: 'GET /v1/brands?limit=50', path: '/v1/brands?limit=50', p99Ms: 50, minRps: 500 },
      { title: 'POST /graphql viewer + 50 brands', path: '/graphql', method: 'POST', body: () => ({ query: '{ viewer { kind } brands(first: 50) { edges { node { id name } } } }' }), p99Ms: 80, minRps: 300 },
      { title: 'GET /v1/content-items?limit=50 (with targets)', path: `/v1/content-items?brandId=${busy.id}&limit=50`, p99Ms: 80, minRps: 250 },
      { title: 'GET /v1/calendar (one month, 200 items)', path: `/v1/calendar?brandId=${busy.id}&from=2030-03-01&to=2030-03-31`, p99Ms: 250, minRps: 40 },
      // A BI-sized read: CPU-bound in graphql-js, so two at a time on a 2-core machine.
      { title: 'POST /graphql brands → campaigns → items → targets → account (1,000 items)', path: '/graphql', method: 'POST', body: () => ({ query: NESTED }), p99Ms: 600, minRps: 5, connections: 2 },
      {
        title: 'POST /v1/content-items (validated for X and LinkedIn)',
        path: '/v1/content-items',
        method: 'POST',
        body: (i) => ({ brandId: busy.id, title: `Bench ${i}`, kind: 'post', body: `A post for the benchmark, number ${i} https://example.com/${i}`, targets: [{ socialAccountId: busy.x }, { socialAccountId: busy.li }] }),
        p99Ms: 120,
        minRps: 100
      }
    ]
    for (const s of scenarios) {
      let i = 0
      const r = await autocannon({
        url: `${address}${s.path}`,
        method: s.method ?? 'GET',
        connections: s.connections ?? 10,
        duration: 6,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(s.body ? { setupClient: (client: any) => { client.setBody(JSON.stringify(s.body!(i))); client.on('response', () => { i++; client.setBody(JSON.stringify(s.body!(i))) }) } } : {})
      })
      const ok = r.latency.p99 <= s.p99Ms && r.requests.average >= s.minRps && r.non2xx + r.errors === 0
      failed ||= !ok
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${s.title}: ${Math.round(r.requests.average)} req/s (≥ ${s.minRps}), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (≤ ${s.p99Ms}), non-2xx ${r.non2xx}, errors ${r.errors}`)
    }
    const publishing = await publishingBench(app, url.toString(), token, busy.id, busy.x)
    failed ||= !publishing.ok
    console.log(publishing.line)
  } finally {
    await app.close()
    await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`); await c.end()
    await embedded?.stop()
  }
  process.exit(failed ? 1 : 0)
}
main().catch((err) => { console.error(err); process.exit(1) })
