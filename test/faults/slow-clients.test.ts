import t from 'tap'
import net from 'node:net'
import pg from 'pg'
import { createDatabase, databaseUrl } from '../helper.js'
import { connectionStates, signup, startServer } from './process.js'

// Clients that are slow or leave mid-request must cost them alone: no pooled connection is
// held while a body is still arriving, and a client that disconnects never leaves its
// transaction open. Both run against the real server process with a small pool, so that a
// handful of held connections would starve everyone else.

const adminUrl = () => process.env.HERALD_TEST_ADMIN_URL!

function rawRequest (base: string, head: string, body: string): net.Socket {
  const { hostname, port } = new URL(base)
  const socket = net.connect(Number(port), hostname)
  socket.on('error', () => {})
  socket.write(head + body)
  return socket
}

function postHead (token: string, path: string, length: number): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`
}

async function settle (database: string, deadlineMs = 20_000): Promise<Record<string, number>> {
  // Requests already received finish on their own, within a second or two; a transaction
  // still open after the deadline was left behind (PostgreSQL's own idle-in-transaction
  // limit, a minute, is far beyond it, so it cannot hide one).
  const until = Date.now() + deadlineMs
  const busy = (s: Record<string, number>) => (s.active ?? 0) + (s['idle in transaction'] ?? 0) > 0
  let states = await connectionStates(adminUrl(), database)
  while (busy(states) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    states = await connectionStates(adminUrl(), database)
  }
  return states
}

/** A real server on a database of its own with a pool of 5, and an organization's token. */
async function smallPoolServer (t: Parameters<typeof createDatabase>[0], label: string) {
  const db = await createDatabase(t)
  const server = startServer({ DATABASE_URL: databaseUrl(db), DB_POOL_MAX: '5' })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = await server.listening()
  return { db, server, base, token: await signup(base, label) }
}

t.test('20 slow uploads of one organization hold no connection; another organization is served', async (t) => {
  const { db, server, base, token: slowToken } = await smallPoolServer(t, 'slow')
  const otherToken = await signup(base, 'other')

  const body = JSON.stringify({ name: 'Never finished', timeZone: 'Europe/Paris' })
  const before = server.lines.filter((l) => l.msg === 'incoming request').length
  // Headers and the first bytes of the body, then nothing: 20 uploads left hanging.
  const slow = Array.from({ length: 20 }, () => rawRequest(base, postHead(slowToken, '/v1/brands', body.length), body.slice(0, 4)))
  t.teardown(() => { for (const s of slow) s.destroy() })
  await server.waitFor((l) => l.filter((x) => x.msg === 'incoming request').length >= before + 20, 'the 20 slow uploads to arrive')

  const statuses: number[] = []
  for (let i = 0; i < 10; i++) {
    const created = await fetch(`${base}/v1/brands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Served ${i}`, timeZone: 'Europe/Paris' })
    })
    statuses.push(created.status)
    const listed = await fetch(`${base}/v1/brands`, { headers: { authorization: `Bearer ${otherToken}` } })
    statuses.push(listed.status)
  }
  t.same(statuses, Array.from({ length: 20 }, (_, i) => (i % 2 ? 200 : 201)), 'every request of the other organization succeeded')
  const states = await connectionStates(adminUrl(), db)
  t.equal(states['idle in transaction'] ?? 0, 0, 'no connection waits in a transaction for a slow body')
  t.ok(slow.every((s) => !s.destroyed), 'the slow uploads were still open throughout')
})

t.test('clients that disconnect mid-request leave no transaction open', async (t) => {
  const { db, server, base, token } = await smallPoolServer(t, 'impatient')

  const body = JSON.stringify({ name: 'Cut short', timeZone: 'Europe/Paris' })
  const head = (i: number) => i % 3 === 0
    ? `GET /v1/brands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`
    : postHead(token, '/v1/brands', body.length)
  // Five waves of 100 requests, each cut after 0 to 9 ms: some before their body is complete,
  // some while waiting for a connection, some in their handler, as a load balancer would.
  for (let wave = 0; wave < 5; wave++) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise<void>((resolve) => {
      const socket = rawRequest(base, head(i), i % 3 === 1 ? body.slice(0, 5) : (i % 3 === 2 ? body : ''))
      setTimeout(() => { socket.destroy(); resolve() }, i % 10)
    })))
  }
  const states = await settle(db)
  t.equal(states['idle in transaction'] ?? 0, 0, `no transaction left open (${JSON.stringify(states)})`)
  const after = await fetch(`${base}/v1/brands?limit=1`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(after.status, 200, 'the instance still serves requests')
  t.notOk(server.lines.some((l) => (l.level ?? 0) >= 50), 'nothing was logged as an error')
})

t.test('clients that leave a nested GraphQL query mid-execution are not logged as failures', async (t) => {
  const { db, server, base, token } = await smallPoolServer(t, 'nested')
  // 10 campaigns of 20 items, in SQL: enough for the query to be cut between its levels.
  const c = new pg.Client({ connectionString: databaseUrl(db) })
  await c.connect()
  await c.query(`WITH b AS (INSERT INTO brands (organization_id, name, time_zone) SELECT id, 'B', 'Europe/Paris' FROM organizations RETURNING organization_id, id),
    k AS (INSERT INTO campaigns (organization_id, brand_id, name, objective, status) SELECT b.organization_id, b.id, 'C' || n, 'engagement', 'active' FROM b, generate_series(1, 10) n RETURNING organization_id, brand_id, id)
    INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, status, created_by_type) SELECT k.organization_id, k.brand_id, k.id, 'P' || n, 'post', 'draft', 'system' FROM k, generate_series(1, 20) n`)
  await c.end()
  const query = JSON.stringify({ query: '{ campaigns(first: 10) { edges { node { name contentItems(first: 20) { edges { node { title approval { status decisions { decision } } } } } } } } }' })
  const answered = await fetch(`${base}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: query })
  const full = await answered.json() as { data: { campaigns: { edges: Array<{ node: { contentItems: { edges: unknown[] } } }> } } }
  t.equal(full.data.campaigns.edges.length * full.data.campaigns.edges[0].node.contentItems.edges.length, 200, 'the query reads 200 items when the client waits')
  const before = server.lines.length
  // Three waves of 50 queries, each cut after 0 to 24 ms: before, between and during its levels.
  for (let wave = 0; wave < 3; wave++) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => new Promise<void>((resolve) => {
      const socket = rawRequest(base, postHead(token, '/graphql', Buffer.byteLength(query)), query)
      setTimeout(() => { socket.destroy(); resolve() }, i % 25)
    })))
  }
  const states = await settle(db)
  t.equal(states['idle in transaction'] ?? 0, 0, `no transaction left open (${JSON.stringify(states)})`)
  const after = await fetch(`${base}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: query })
  t.equal(after.status, 200, 'the instance still serves the query')
  const logged = server.lines.slice(before)
  t.same(logged.filter((l) => (l.level ?? 0) >= 40).map((l) => l.msg), [], 'nothing was logged as a warning or an error')
  const left = logged.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('client disconnected mid-request'))
  t.ok(left.length <= 150, `at most one line per request cut short (${left.length} for 150)`)
})
