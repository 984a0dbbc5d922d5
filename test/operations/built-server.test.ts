import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { createDatabase, databaseUrl } from '../helper.js'
import { PASSWORD, ROOT, startServer } from '../faults/process.js'
import { receiver } from '../webhook-receiver.js'

const assetsOf = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((a) => !a.startsWith('data:'))

// The image runs the built bundle (npm run build: dist/server.js, whose dist/main.js holds
// Herald's code and the packages it imports in one file), not src/ through tsx as every other
// test does. This builds its own copy and drives it through what a bundled package could break:
// a sign-up, a create, a read, a nested GraphQL query and a refused GraphQL body (Ajv, compiled
// on first use), the docs pages and every asset they load (files read beside a package:
// @fastify/swagger-ui's), the OpenAPI document, a CSV import (a package loaded on first use), a
// webhook delivered by the job worker (graphile-worker, fetch), and a clean stop. A package that
// breaks once bundled, or a run-time file not found from the bundle's folder, fails here rather
// than in production.

t.test('the built server answers REST and GraphQL on its database', async (t) => {
  const dir = path.join(ROOT, 'dist', `test-${process.pid}`)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync(process.execPath, ['scripts/build.mjs', path.join(dir, 'server.js')], { cwd: ROOT, stdio: 'inherit' })
  // ASCII only, so that V8 keeps its source as one byte a character (scripts/build.mjs).
  t.notOk(/[^\0-\x7f]/.test(readFileSync(path.join(dir, 'main.cjs'), 'latin1')), 'the bundle is ASCII')

  const db = await createDatabase(t)
  const hooks = await receiver(t)
  const server = startServer({ DATABASE_URL: databaseUrl(db), HERALD_ROLE: 'all', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', JOBS_POLL_INTERVAL_MS: '200' }, { bundle: path.join(dir, 'server.js') })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await server.listening()
  // Run as the image runs it (same Node, same flags as the build's warm-up), the bundle compiles
  // from the code cache the build wrote (src/lib/code-cache.ts), not from its source.
  t.equal(server.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('Herald is serving on'))?.codeCache, 'used', 'the code cache is used')
  t.equal((await fetch(`${base}/readyz`)).status, 200, 'ready: the database answers and is migrated')

  const post = async (url: string, body: unknown, token?: string) => await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body)
  })
  const signup = await post('/v1/auth/signup', { organizationName: 'Built', name: 'Owner', email: `built-${Date.now()}@example.com`, password: PASSWORD })
  t.equal(signup.status, 201, 'sign-up')
  const { accessToken } = await signup.json() as { accessToken: string }
  const webhook = await post('/v1/webhooks', { url: hooks.url, eventTypes: ['brand.created'] }, accessToken)
  t.equal(webhook.status, 201, 'a webhook endpoint')
  const brand = await post('/v1/brands', { name: 'Built brand', timeZone: 'Europe/Paris' }, accessToken)
  t.equal(brand.status, 201, 'a brand')
  const brandId = (await brand.json() as { id: string }).id
  const item = await post('/v1/content-items', { brandId, title: 'Built item', kind: 'post', body: 'From the bundle' }, accessToken)
  t.equal(item.status, 201, 'a content item')
  const { id } = await item.json() as { id: string }
  const read = await fetch(`${base}/v1/content-items/${id}`, { headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(read.status, 200)
  t.match(await read.json(), { id, title: 'Built item', body: 'From the bundle', status: 'draft' }, 'read back as written')

  const gql = await post('/graphql', { query: '{ brands(first: 5) { edges { node { name contentItems(first: 5) { edges { node { title } } } } } } }' }, accessToken)
  t.equal(gql.status, 200)
  t.same(await gql.json(), { data: { brands: { edges: [{ node: { name: 'Built brand', contentItems: { edges: [{ node: { title: 'Built item' } }] } } }] } } }, 'a nested query')
  // A package loaded on first use, not at start-up (csv-parse), is found from the bundle too.
  const csv = await fetch(`${base}/v1/content-items/bulk`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/csv' }, body: `brandId,title,kind,body\r\n${brandId},From CSV,post,Imported\r\n` })
  t.equal(csv.status, 201, 'a CSV import')
  t.match(await csv.json(), { data: [{ title: 'From CSV', body: 'Imported' }] })
  const badBody = await post('/graphql', { query: 5 }, accessToken)
  t.equal(badBody.status, 400, 'a GraphQL body of the wrong type is refused (its validator compiled on first use)')
  t.match(await badBody.json(), { data: null, errors: [{ extensions: { code: 'HERALD_VALIDATION' } }] })

  for (const page of ['/docs/', '/graphiql']) {
    const html = await fetch(`${base}${page}`)
    t.equal(html.status, 200, page)
    const assets = assetsOf(await html.text())
    t.ok(assets.length >= 3, `${page} loads ${assets.join(', ')}`)
    for (const asset of assets) {
      const got = await fetch(new URL(asset, `${base}${page}`))
      t.equal(got.status, 200, `${page}: ${asset} is served`)
      t.ok((await got.arrayBuffer()).byteLength > 0, `${page}: ${asset} is not empty`)
    }
  }
  const document = await fetch(`${base}/openapi.json`)
  t.same(await document.json(), parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')), 'the OpenAPI document as written')

  const delivered = await hooks.next(1)
  t.match(JSON.parse(delivered.body), { type: 'brand.created', data: { object: 'brand', id: brandId } }, 'the job worker delivered the webhook')
  t.ok(delivered.headers['webhook-signature'], 'signed')

  const missing = await fetch(`${base}/v1/content-items/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(missing.status, 404)
  t.match(missing.headers.get('content-type'), /application\/problem\+json/, 'errors are problem documents')

  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0, 'and it stops cleanly')
  t.notMatch(server.raw.join('\n'), /ExperimentalWarning/, 'with no experimental warning from Node (import() in the bundle would print one)')
})
