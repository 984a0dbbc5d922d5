import t from 'tap'
import net from 'node:net'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openapiPath } from '../../src/plugins/openapi.js'
import { bearer, createDatabase, createTestApp, databaseUrl, json, JWT_SECRET } from '../helper.js'
import { signup } from '../factories.js'

/** A TCP relay to PostgreSQL that the test can cut and restore, to play a database outage. */
async function relay (target: URL) {
  const sockets = new Set<net.Socket>()
  let up = true
  const server = net.createServer((client) => {
    if (!up) { client.destroy(); return }
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client); sockets.add(upstream)
    client.pipe(upstream).pipe(client)
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('error', close); upstream.on('error', close); client.on('close', close); upstream.on('close', close)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    cut () { up = false; for (const s of sockets) s.destroy() },
    restore () { up = true },
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()) })
  }
}

t.test('operations', async (t) => {
  const h = await createTestApp(t, { CORS_ORIGINS: 'https://app.agency.example' })

  t.test('health, readiness, metrics', async (t) => {
    t.same(json(await h.inject({ method: 'GET', url: '/healthz' })), { status: 'ok' })
    t.same(json(await h.inject({ method: 'GET', url: '/readyz' })), { status: 'ready' })
    const s = await signup(h, 'ops')
    for (let i = 0; i < 3; i++) await h.inject({ method: 'GET', url: `/v1/brands/0000000${i}-0000-4000-8000-000000000000`, headers: bearer(s.token) })
    const metrics = await h.inject({ method: 'GET', url: '/metrics' })
    t.equal(metrics.statusCode, 200)
    t.match(metrics.body, /http_request_duration_seconds_bucket\{[^}]*route="\/v1\/brands\/:id"/)
    t.notMatch(metrics.body, /0000000\d-0000/, 'labels use the route template, never ids')
    t.match(metrics.body, /herald_db_pool_connections\{state="total"\}/)
  })

  t.test('the contract is served as written; docs are up', async (t) => {
    const yaml = await h.inject({ method: 'GET', url: '/openapi.yaml' })
    t.equal(yaml.body, readFileSync(openapiPath, 'utf8'))
    t.same(json(await h.inject({ method: 'GET', url: '/openapi.json' })), parse(yaml.body))
    t.match(parse(yaml.body).openapi, /^3\.1\./)
    const docs = await h.app.inject({ method: 'GET', url: '/docs/' })
    t.equal(docs.statusCode, 200)
    t.match(docs.body, /swagger/i)
  })

  t.test('errors are problem+json, headers are safe, CORS follows config', async (t) => {
    // Not in the contract by definition, so not contract-checked.
    const missing = await h.app.inject({ method: 'GET', url: '/v1/nothing-here' })
    t.equal(missing.statusCode, 404)
    t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(json(missing), { type: /^https:\/\//, title: 'Not found', status: 404, code: 'HERALD_NOT_FOUND' })
    t.equal(missing.headers['x-content-type-options'], 'nosniff')
    t.equal(missing.headers['cache-control'], 'no-store')
    t.match(String(missing.headers['content-security-policy']), /frame-ancestors 'none'/)
    t.equal(missing.headers['referrer-policy'], 'no-referrer')
    const traced = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-me-42' } })
    t.equal(traced.headers['x-request-id'], 'trace-me-42')
    const unsafeId = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n' } })
    t.not(unsafeId.headers['x-request-id'], 'bad id\n')
    const allowed = await h.app.inject({ method: 'OPTIONS', url: '/v1/brands', headers: { origin: 'https://app.agency.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key,if-match' } })
    t.equal(allowed.headers['access-control-allow-origin'], 'https://app.agency.example')
    const denied = await h.app.inject({ method: 'OPTIONS', url: '/v1/brands', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    t.notOk(denied.headers['access-control-allow-origin'])
    t.not((await h.app.inject({ method: 'TRACE' as any, url: '/v1/brands' })).statusCode, 200)
  })

  t.test('rate limits answer 429 with Retry-After and RateLimit headers, per credential', async (t) => {
    const limited = await createTestApp(t, { RATE_LIMIT_MAX: '3' })
    const a = await signup(limited, 'rl-a')
    const b = await signup(limited, 'rl-b')
    const codes = []
    // The sign-up factory already spent one request of a's budget (GET /v1/me).
    for (let i = 0; i < 3; i++) codes.push((await limited.inject({ method: 'GET', url: '/v1/brands', headers: bearer(a.token) })).statusCode)
    t.same(codes, [200, 200, 429])
    const res = await limited.inject({ method: 'GET', url: '/v1/brands', headers: bearer(a.token) })
    t.equal(json(res).code, 'HERALD_RATE_LIMITED')
    t.ok(Number(res.headers['retry-after']) > 0)
    t.equal(res.headers['ratelimit-limit'], '3')
    t.equal((await limited.inject({ method: 'GET', url: '/v1/brands', headers: bearer(b.token) })).statusCode, 200, 'another credential has its own budget')
  })

  t.test('readiness follows the database down and up, without a restart', async (t) => {
    const db = await createDatabase(t)
    const target = new URL(databaseUrl(db))
    const proxy = await relay(target)
    const viaProxy = new URL(target)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: viaProxy.toString() })
    const app = await buildApp({ config, databaseUrl: viaProxy.toString(), jwtSecret: JWT_SECRET })
    t.teardown(async () => { await app.close(); await proxy.close() })
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
    proxy.cut()
    const down = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(down.statusCode, 503)
    t.equal(json(down).code, 'HERALD_UNAVAILABLE')
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'alive while the database is down')
    proxy.restore()
    let status = 0
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await app.inject({ method: 'GET', url: '/readyz' })).statusCode
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
    }
    t.equal(status, 200, 'ready again once the database is back')
  })
})
