import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { signup } from '../factories.js'

// Credentials shown once (an API key's secret, an invitation token) are never kept in the
// idempotency store: a replay of their creation answers 409 with the Location of what the
// first request created, and creates nothing twice.
t.test('responses that carry a credential are not stored for replays', async (t) => {
  const h = await createTestApp(t)
  const s = await signup(h, 'idem-secret')
  const cases = [
    { url: '/v1/api-keys', payload: { name: 'Zapier', scopes: ['brands:read'] }, other: { name: 'Other', scopes: ['brands:read'] }, secret: 'secret', table: 'api_keys' },
    { url: '/v1/members', payload: { email: 'new.person@example.com', role: 'creator' }, other: { email: 'other.person@example.com', role: 'creator' }, secret: 'invitationToken', table: 'memberships' }
  ]
  for (const c of cases) {
    const send = async () => await h.inject({ method: 'POST', url: c.url, headers: { ...bearer(s.token), 'idempotency-key': `once-${c.table}` }, payload: c.payload })
    const first = await send()
    t.equal(first.statusCode, 201, c.url)
    const credential = json(first)[c.secret]
    t.type(credential, 'string')
    const stored = await h.sql('SELECT response_status, response_body, response_headers::text AS headers FROM idempotency_keys WHERE key = $1', [`once-${c.table}`])
    t.equal(stored.length, 1)
    t.equal(stored[0].response_body, null, `${c.url}: no body kept`)
    t.notOk(stored[0].headers.includes(credential), `${c.url}: the credential is nowhere in the store`)

    const before = (await h.sql(`SELECT count(*)::int AS n FROM ${c.table} WHERE organization_id = $1`, [s.orgId]))[0].n
    const again = await send()
    t.equal(again.statusCode, 409, `${c.url}: a replay cannot show the credential again`)
    t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(json(again), { code: 'HERALD_CONFLICT', reason: 'secret_not_replayable' })
    t.equal(again.headers.location, first.headers.location, `${c.url}: Location names what the first request created`)
    t.notOk(again.body.includes(credential))
    t.equal((await h.sql(`SELECT count(*)::int AS n FROM ${c.table} WHERE organization_id = $1`, [s.orgId]))[0].n, before, `${c.url}: nothing created twice`)

    const other = await h.inject({ method: 'POST', url: c.url, headers: { ...bearer(s.token), 'idempotency-key': `once-${c.table}` }, payload: c.other })
    t.equal(other.statusCode, 422, `${c.url}: another body with the same key is still a mismatch`)
  }
})
