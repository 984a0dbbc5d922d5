// `npm run bench`: measures the hot paths on this machine and checks them against targets.
// Runs the real app on 127.0.0.1 (embedded PostgreSQL unless DATABASE_URL is set) and drives
// it with autocannon for a bounded time. Targets are deliberately modest for a 2-core box.
import autocannon from 'autocannon'
import path from 'node:path'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'

const TARGETS = { listBrandsP99Ms: 50, listBrandsMinRps: 500, graphqlP99Ms: 80 }

async function main () {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' })
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
    for (let i = 0; i < 50; i++) await app.inject({ method: 'POST', url: '/v1/brands', headers: { authorization: `Bearer ${token}` }, payload: { name: `Brand ${i}`, timeZone: 'UTC' } })
    const run = async (title: string, opts: autocannon.Options) => {
      const r = await autocannon({ connections: 10, duration: 8, ...opts, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(opts.headers ?? {}) } })
      console.log(`${title}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`)
      return r
    }
    const list = await run('GET /v1/brands?limit=50', { url: `${address}/v1/brands?limit=50` })
    const gql = await run('POST /graphql brands+viewer', { url: `${address}/graphql`, method: 'POST', body: JSON.stringify({ query: '{ viewer { kind } brands(first: 50) { edges { node { id name } } } }' }) })
    const checks: Array<[string, boolean]> = [
      [`list p99 <= ${TARGETS.listBrandsP99Ms} ms`, list.latency.p99 <= TARGETS.listBrandsP99Ms],
      [`list >= ${TARGETS.listBrandsMinRps} req/s`, list.requests.average >= TARGETS.listBrandsMinRps],
      [`graphql p99 <= ${TARGETS.graphqlP99Ms} ms`, gql.latency.p99 <= TARGETS.graphqlP99Ms],
      ['no errors', list.non2xx + list.errors + gql.non2xx + gql.errors === 0]
    ]
    for (const [name, ok] of checks) { console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`); failed ||= !ok }
  } finally {
    await app.close()
    await c.query(`DROP DATABASE ${dbName} WITH (FORCE)`); await c.end()
    await embedded?.stop()
  }
  process.exit(failed ? 1 : 0)
}
main().catch((err) => { console.error(err); process.exit(1) })
