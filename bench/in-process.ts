// Herald in-process on a fresh database seeded like the request-path bench: what
// bench/profile.ts and bench/trips.ts look at one workload with.
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { RoundTripObserver } from '../src/db/client.js'
import { runMigrations } from '../src/db/migrate.js'
import { seed } from './seed.js'
import { NESTED_QUERY } from './request-path.js'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnop'

export async function inProcess (prefix: string, observeRoundTrip?: RoundTripObserver) {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const name = `${prefix}_${Date.now()}`
  const a = new pg.Client({ connectionString: admin }); await a.connect(); await a.query(`CREATE DATABASE ${name}`); await a.end()
  const url = new URL(admin); url.pathname = '/' + name
  const databaseUrl = url.toString()
  await runMigrations(databaseUrl)
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000000', JWT_SECRET: SECRET, NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'false' })
  const app = await buildApp({ config, databaseUrl, jwtSecret: SECRET, observeRoundTrip })
  const session = (await app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'P', name: 'P', email: 'p@example.com', password: 'correct horse battery staple' } })).json()
  const me = (await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${session.accessToken}` } })).json()
  const db = new pg.Client({ connectionString: databaseUrl }); await db.connect()
  const seeded = await seed(db, session.organization.id, me.membershipId); await db.end()
  /** One request of a workload (nested, list, get or create); i makes each created item its own. */
  const request = (which: string, i: number) => which === 'nested'
    ? { method: 'POST' as const, url: '/graphql', payload: { query: NESTED_QUERY } }
    : which === 'list'
      ? { method: 'GET' as const, url: `/v1/content-items?campaignId=${seeded.campaignId}&limit=50` }
      : which === 'get'
        ? { method: 'GET' as const, url: `/v1/content-items/${seeded.itemId}` }
        : { method: 'POST' as const, url: '/v1/content-items', payload: { brandId: seeded.brandId, campaignId: seeded.campaignId, title: `P ${i}`, kind: 'post', body: `A post ${i}`, targets: [{ socialAccountId: seeded.accounts[0] }, { socialAccountId: seeded.accounts[1] }] } }
  const close = async (keepDatabase = false) => {
    await app.close()
    if (keepDatabase) return
    const c = new pg.Client({ connectionString: admin }); await c.connect(); await c.query(`DROP DATABASE ${name} WITH (FORCE)`); await c.end()
  }
  return { app, databaseUrl, token: session.accessToken as string, request, close }
}
