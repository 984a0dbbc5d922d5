// Builds the real app on a database of its own (cloned from the migrated template that
// scripts/test.ts prepared) and wraps app.inject so that every response is validated against
// openapi.yaml. Tests never listen on a port.
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import pg from 'pg'
import { spec } from './openapi-spec.js'
import { cachedValidator } from './contract-validators.js'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'

export const JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

type Tap = { teardown: (fn: () => unknown) => void, fail: (...args: any[]) => unknown }

function envOrDie (name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run the tests with "npm test" (scripts/test.ts prepares the database)`)
  return v
}

export function databaseUrl (db: string): string {
  const u = new URL(envOrDie('HERALD_TEST_ADMIN_URL'))
  u.pathname = `/${db}`
  return u.toString()
}

/** A fresh database cloned from the migrated template; dropped at teardown. */
export async function createDatabase (t: Tap): Promise<string> {
  const template = envOrDie('HERALD_TEST_TEMPLATE')
  const name = `${template}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: envOrDie('HERALD_TEST_ADMIN_URL') })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await admin.end()
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: envOrDie('HERALD_TEST_ADMIN_URL') })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.end()
  })
  return name
}

// ---- OpenAPI response validation ---------------------------------------------------------

const pointer = (parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')
const routes = Object.keys(spec.paths ?? {}).map((p) => ({
  template: p,
  regex: new RegExp('^' + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '$')
}))
const validators = new Map<string, ReturnType<typeof cachedValidator>>()

function resolveRef (obj: any): any {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, '').split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    obj = parts.reduce((o: any, k: string) => o?.[k], spec)
  }
  return obj
}

/** Problems with a response against openapi.yaml; empty when it conforms. */
export function contractErrors (method: string, url: string, res: LightMyRequestResponse): string[] {
  // As the request was routed: dot segments resolved (`/a/b/..` is `/a`), as the client's URL parser does.
  const path = new URL(url.split('?')[0], 'http://herald.test').pathname.replace(/\/$/, '') || '/'
  const paths = routes.filter((r) => r.regex.test(path))
  // The documented operation for this method (`/v1/webhooks/test` is `{id}` for GET, but no
  // POST is documented there: `/v1/webhooks/./test` routes nowhere).
  const route = paths.find((r) => spec.paths[r.template][method.toLowerCase()])
  if (!route) {
    // A request that routes nowhere (after dot segments are resolved) gets the not-found problem.
    if (res.statusCode === 404 && res.headers['content-type']?.toString().startsWith('application/problem+json') && res.json().code === 'HERALD_NOT_FOUND') return []
    return [paths.length ? `${method} ${paths[0].template}: no operation in openapi.yaml` : `${method} ${path}: no path in openapi.yaml`]
  }
  const op = spec.paths[route.template][method.toLowerCase()]
  const status = String(res.statusCode)
  // Not `default`: it tells clients the shape of anything else, but every status the server
  // really sends must be listed by number.
  const responseRef = op.responses?.[status] ?? op.responses?.[`${status[0]}XX`]
  if (!responseRef) return [`${method} ${route.template}: status ${status} is not documented`]
  const response = resolveRef(responseRef)
  if (!response.content || res.statusCode === 204 || res.statusCode === 304) {
    return res.body.length && res.statusCode !== 304 ? [`${method} ${route.template} ${status}: body where none is documented`] : []
  }
  const type = String(res.headers['content-type'] ?? '').split(';')[0].trim()
  const media = response.content[type]
  if (!media) return [`${method} ${route.template} ${status}: content-type ${type} not documented (${Object.keys(response.content).join(', ')})`]
  if (!media.schema || !type.endsWith('json')) return []
  const key = `${method} ${route.template} ${status} ${type}`
  let validate = validators.get(key)
  if (!validate) {
    // Point into the document so the schema's own $refs resolve against it.
    const base = typeof responseRef.$ref === 'string'
      ? responseRef.$ref.replace(/^#\//, '').split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      : ['paths', route.template, method.toLowerCase(), 'responses', status]
    validate = cachedValidator(`/${pointer([...base, 'content', type, 'schema'])}`)
    validators.set(key, validate)
  }
  let body: unknown
  try { body = JSON.parse(res.body) } catch { return [`${key}: body is not JSON`] }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)
}

// ---- the app under test ------------------------------------------------------------------

export interface TestApp {
  app: FastifyInstance
  /** app.inject, plus a contract check of the response against openapi.yaml. */
  inject: (opts: InjectOptions) => Promise<LightMyRequestResponse>
  logs: string[]
  bodies: string[]
  /** Runs SQL as the database owner (bypasses RLS): for checking what is really stored. */
  sql: <R extends pg.QueryResultRow = any>(text: string, values?: unknown[]) => Promise<R[]>
  queries: string[]
  /** Every round trip to PostgreSQL, with the statements it carried. */
  roundTrips: string[][]
  config: Config
}

export async function createTestApp (t: Tap, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createDatabase(t)
  const url = databaseUrl(db)
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: url, ...env })
  const logs: string[] = []
  const bodies: string[] = []
  const queries: string[] = []
  const roundTrips: string[][] = []
  const logStream = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  const app = await buildApp({ config, databaseUrl: url, jwtSecret: JWT_SECRET, logStream, observeQuery: (q) => queries.push(q), observeRoundTrip: (statements) => roundTrips.push(statements) })
  await app.ready()
  const owner = new pg.Pool({ connectionString: url, max: 2 })
  // The database is dropped WITH (FORCE) after this teardown: an idle connection it kills must
  // not surface as an uncaught pool error, and a failing app.close() must not skip owner.end().
  owner.on('error', () => {})
  t.teardown(async () => {
    try {
      await app.close()
    } finally {
      await owner.end()
    }
  })
  return {
    app,
    logs,
    bodies,
    queries,
    roundTrips,
    config,
    sql: async (text, values) => (await owner.query(text, values as any[])).rows,
    inject: async (opts) => {
      const res = await app.inject(opts)
      bodies.push(res.body)
      const problems = contractErrors(String(opts.method ?? 'GET'), String(opts.url), res)
      if (problems.length) t.fail('response does not match openapi.yaml', { problems, body: res.body.slice(0, 2000) })
      return res
    }
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
export const json = (res: LightMyRequestResponse) => JSON.parse(res.body)
export const unique = (label = 'x') => `${label}-${randomBytes(4).toString('hex')}`
