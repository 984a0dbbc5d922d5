import t from 'tap'
import { randomUUID } from 'node:crypto'
import { PURGE_BATCH } from '../../src/plugins/idempotency.js'
import { bearer, createTestApp, json } from '../helper.js'
import { signup } from '../factories.js'

// Expired Idempotency-Keys are purged by the claim statement of the same credential's next
// keyed POST (see src/plugins/idempotency.ts for why this and not a periodic job).

t.test('expired idempotency keys are purged by the next keyed POST', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'idem-purge')
  const b = await signup(h, 'idem-purge-other')

  async function seed (orgId: string, principalId: string, key: string, expired: boolean) {
    await h.sql(`INSERT INTO idempotency_keys (organization_id, principal_id, key, method, path, request_hash, response_status, response_body, response_headers, expires_at)
      VALUES ($1, $2, $3, 'POST', '/v1/brands', 'old-hash', 201, '{"old":true}', '{}', now() + $4::interval)`, [orgId, principalId, key, expired ? '-1 hour' : '23 hours'])
  }
  const keysOf = async (orgId: string, principalId: string) =>
    (await h.sql('SELECT key FROM idempotency_keys WHERE organization_id = $1 AND principal_id = $2 ORDER BY key', [orgId, principalId])).map((r) => r.key)
  const post = (s: typeof a, key: string, name: string) =>
    h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(s.token), 'idempotency-key': key }, payload: { name, timeZone: 'UTC' } })

  const someoneElse = randomUUID()
  await seed(a.orgId, a.membershipId, 'expired-1', true)
  await seed(a.orgId, a.membershipId, 'expired-2', true)
  await seed(a.orgId, a.membershipId, 'live-1', false)
  await seed(a.orgId, someoneElse, 'expired-other-principal', true)
  await seed(b.orgId, b.membershipId, 'expired-other-org', true)

  t.equal((await post(a, 'fresh-1', 'Fresh')).statusCode, 201)
  t.same(await keysOf(a.orgId, a.membershipId), ['fresh-1', 'live-1'], 'the caller\'s expired keys are gone; live ones stay')
  t.same(await keysOf(a.orgId, someoneElse), ['expired-other-principal'], 'another credential\'s keys are its own business')
  t.same(await keysOf(b.orgId, b.membershipId), ['expired-other-org'], 'another organization is untouched')
  const replay = await post(a, 'live-1', 'Anything')
  t.equal(replay.statusCode, 422, 'a live key still guards its request')

  t.test('an expired key can be used again, as a new request', async (t) => {
    await seed(a.orgId, a.membershipId, 'reuse-me', true)
    const res = await post(a, 'reuse-me', 'Reused')
    t.equal(res.statusCode, 201)
    t.notOk(res.headers['idempotent-replayed'])
    t.equal(json(res).name, 'Reused')
    const [row] = await h.sql('SELECT expires_at > now() AS live, response_status FROM idempotency_keys WHERE principal_id = $1 AND key = $2', [a.membershipId, 'reuse-me'])
    t.same(row, { live: true, response_status: 201 })
  })

  t.test('a long backlog is purged a batch at a time', async (t) => {
    const extra = 5
    for (let i = 0; i < PURGE_BATCH + extra; i++) await seed(a.orgId, a.membershipId, `backlog-${String(i).padStart(3, '0')}`, true)
    const backlog = async () => (await keysOf(a.orgId, a.membershipId)).filter((k) => k.startsWith('backlog-')).length
    t.equal((await post(a, 'batch-1', 'Batch 1')).statusCode, 201)
    t.equal(await backlog(), extra)
    t.equal((await post(a, 'batch-2', 'Batch 2')).statusCode, 201)
    t.equal(await backlog(), 0)
  })

  t.test('a refused request purges nothing (its transaction rolls back)', async (t) => {
    await seed(a.orgId, a.membershipId, 'expired-3', true)
    const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'idempotency-key': 'refused' }, payload: { name: 'x', timeZone: 'Nowhere/Land' } })
    t.equal(res.statusCode, 400)
    t.ok((await keysOf(a.orgId, a.membershipId)).includes('expired-3'))
  })
})
