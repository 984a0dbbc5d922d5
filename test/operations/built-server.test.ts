import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { createDatabase, databaseUrl } from '../helper.js'
import { PASSWORD, ROOT, startServer } from '../faults/process.js'

// The image runs the built bundle (npm run build: dist/server.js, whose dist/main.js holds
// Herald's code and drizzle-orm in one file, the other packages from node_modules), not src/ through tsx as every other test
// does. This builds its own copy and drives it through a sign-up, a create, a read and a nested
// GraphQL query: a package that breaks once bundled, or a run-time file not found from the
// bundle's folder, fails here rather than in production.

t.test('the built server answers REST and GraphQL on its database', async (t) => {
  const dir = path.join(ROOT, 'dist', `test-${process.pid}`)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync(process.execPath, ['scripts/build.mjs', path.join(dir, 'server.js')], { cwd: ROOT, stdio: 'inherit' })
  // ASCII only, so that V8 keeps its source as one byte a character (scripts/build.mjs).
  t.notOk(/[^\0-\x7f]/.test(readFileSync(path.join(dir, 'main.js'), 'latin1')), 'the bundle is ASCII')

  const db = await createDatabase(t)
  const server = startServer({ DATABASE_URL: databaseUrl(db) }, { bundle: path.join(dir, 'server.js') })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await server.listening()
  t.equal((await fetch(`${base}/readyz`)).status, 200, 'ready: the database answers and is migrated')

  const post = async (url: string, body: unknown, token?: string) => await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body)
  })
  const signup = await post('/v1/auth/signup', { organizationName: 'Built', name: 'Owner', email: `built-${Date.now()}@example.com`, password: PASSWORD })
  t.equal(signup.status, 201, 'sign-up')
  const { accessToken } = await signup.json() as { accessToken: string }
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
  const missing = await fetch(`${base}/v1/content-items/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${accessToken}` } })
  t.equal(missing.status, 404)
  t.match(missing.headers.get('content-type'), /application\/problem\+json/, 'errors are problem documents')

  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0, 'and it stops cleanly')
})
