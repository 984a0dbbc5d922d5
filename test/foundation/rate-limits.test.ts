import t from 'tap'
import { createSigner } from 'fast-jwt'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { createApiKey, signup } from '../factories.js'

// Rate limits as a client meets them. Traffic without a valid credential is limited per client
// address, before any database work; traffic with one, per credential, whatever its address.
// (Across instances: test/faults/two-instances-limits.test.ts.)

const UNKNOWN_KEY = 'hrld_abcdefghijkl_0123456789012345678901234567890123456789'
const FORGED = createSigner({ key: 'not-the-secret-not-the-secret-not-the-secret', iss: 'herald', aud: 'herald-api', expiresIn: 600_000 })({ sub: 'x', typ: 'access' })

/** Counts pool checkouts (each one is database work) while fn runs. */
async function checkouts (h: TestApp, fn: () => Promise<unknown>): Promise<number> {
  let n = 0
  const count = () => { n++ }
  h.app.pool.on('acquire', count)
  try {
    await fn()
  } finally {
    h.app.pool.removeListener('acquire', count)
  }
  return n
}

t.test('traffic without a valid credential is limited per address, before any database work', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_ANON_MAX: '6' })
  const owner = await signup(h, 'anon-limit')
  const key = await createApiKey(h, owner, ['brands:read'])
  const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
    h.inject({ method: 'GET', url: '/v1/brands', remoteAddress, headers })

  const ip = '203.0.113.7'
  t.ok(await checkouts(h, () => from('203.0.113.9', bearer(UNKNOWN_KEY))) > 0, '(under the limit, an unknown API key is looked up)')
  const answers = []
  for (const headers of [{}, bearer(FORGED), bearer(UNKNOWN_KEY), {}, bearer(UNKNOWN_KEY), { authorization: 'Basic abc' }]) {
    answers.push((await from(ip, headers)).statusCode)
  }
  t.same(answers, [401, 401, 401, 401, 401, 401], 'six requests without a valid credential: refused as such')
  const over = await from(ip, bearer(UNKNOWN_KEY))
  t.equal(over.statusCode, 429, 'the seventh: 429')
  t.equal(json(over).code, 'HERALD_RATE_LIMITED')
  t.equal(over.headers['ratelimit-limit'], '6')
  t.equal(over.headers['ratelimit-remaining'], '0')
  t.ok(Number(over.headers['retry-after']) > 0, 'with Retry-After')
  t.equal(await checkouts(h, () => from(ip, bearer(UNKNOWN_KEY))), 0, 'an unknown API key over the limit costs no database look-up')
  t.equal((await from(ip)).statusCode, 429, 'no credential: 429')
  t.equal((await from(ip, bearer(FORGED))).statusCode, 429, 'a forged token: 429')
  t.equal((await h.inject({ method: 'POST', url: '/v1/auth/token', remoteAddress: ip, payload: { grantType: 'refresh_token', refreshToken: 'nope' } })).statusCode, 429, 'the public sign-in routes too')

  t.equal((await from(ip, bearer(owner.token))).statusCode, 200, 'a signed access token from that address still works (proven without the database)')
  t.equal((await from(ip, bearer(key.secret))).statusCode, 429, 'an API key from that address waits (it needs a look-up to be proven)')
  t.equal((await from('203.0.113.8', bearer(UNKNOWN_KEY))).statusCode, 401, 'another address has its own budget')
  t.equal((await from('2001:db8:1:2::1', {})).statusCode, 401)
  for (let i = 0; i < 6; i++) await from(`2001:db8:1:2::${i + 2}`, {})
  t.equal((await from('2001:db8:1:2:ffff::1', {})).statusCode, 429, 'IPv6 addresses are counted per /64')
})

t.test('a valid credential never spends its address budget', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_ANON_MAX: '3' })
  const owner = await signup(h, 'valid-cred')
  const key = await createApiKey(h, owner, ['brands:read'])
  const ip = '198.51.100.20'
  for (let i = 0; i < 10; i++) {
    const res = await h.inject({ method: 'GET', url: '/v1/brands', remoteAddress: ip, headers: bearer(i % 2 ? key.secret : owner.token) })
    t.equal(res.statusCode, 200, `request ${i + 1} with a valid credential`)
  }
  const anon = []
  for (let i = 0; i < 4; i++) anon.push((await h.inject({ method: 'GET', url: '/v1/brands', remoteAddress: ip })).statusCode)
  t.same(anon, [401, 401, 401, 429], 'the address still has its whole budget for anything else')
})

t.test('credential limits: headers on every answer, idempotent replays count', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '6' })
  const owner = await signup(h, 'replays') // its GET /v1/me spent one request
  const post = (headers: Record<string, string>) =>
    h.inject({ method: 'POST', url: '/v1/brands', headers: { ...headers, 'idempotency-key': 'same-brand' }, payload: { name: 'Replayed', timeZone: 'UTC' } })
  const first = await post(bearer(owner.token))
  t.equal(first.statusCode, 201)
  t.equal(first.headers['ratelimit-limit'], '6')
  t.equal(first.headers['ratelimit-remaining'], '4')
  t.ok(Number(first.headers['ratelimit-reset']) > 0)
  const remaining = []
  for (let i = 0; i < 4; i++) {
    const replay = await post(bearer(owner.token))
    t.equal(replay.headers['idempotent-replayed'], 'true')
    remaining.push(replay.headers['ratelimit-remaining'])
  }
  t.same(remaining, ['3', '2', '1', '0'], 'each replay counts and says what is left')
  const over = await post(bearer(owner.token))
  t.equal(over.statusCode, 429, 'a replay over the limit is refused like any request')
  t.notOk(over.headers['idempotent-replayed'], 'and is not answered from the store')
  t.ok(Number(over.headers['retry-after']) > 0)

  // An API key of the same organization has a budget of its own, and its replays count too.
  const other = await createTestApp(t, { RATE_LIMIT_MAX: '3' })
  const o = await signup(other, 'key-replays')
  const key = await createApiKey(other, o, ['brands:write'])
  const codes = []
  for (let i = 0; i < 4; i++) {
    const res = await other.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(key.secret), 'idempotency-key': 'k' }, payload: { name: 'Key brand', timeZone: 'UTC' } })
    codes.push(res.statusCode)
  }
  t.same(codes, [201, 201, 201, 429], 'an API key: the first write, two replays, then 429')
})

t.test('GraphQL refusals carry the same headers, in the GraphQL shape', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '2' })
  const owner = await signup(h, 'gql-limit')
  const query = () => h.inject({ method: 'POST', url: '/graphql', headers: bearer(owner.token), payload: { query: '{ viewer { role } }' } })
  t.equal((await query()).statusCode, 200)
  const over = await query()
  t.equal(over.statusCode, 429)
  t.equal(json(over).errors[0].extensions.code, 'HERALD_RATE_LIMITED')
  t.ok(Number(over.headers['retry-after']) > 0)
  t.equal(over.headers['ratelimit-remaining'], '0')
})

t.test('the counters are out of the request roles\' reach', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'limiter-role')
  const [role] = await h.sql("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'herald_limiter'")
  t.same(role, { rolsuper: false, rolbypassrls: false, rolcanlogin: false }, 'herald_limiter: not superuser, no BYPASSRLS, no login')
  for (const r of ['herald_app', 'herald_auth', 'herald_system']) {
    const [{ usage }] = await h.sql("SELECT has_schema_privilege($1, 'herald_limits', 'USAGE') AS usage", [r])
    t.equal(usage, false, `${r} cannot reach the counters`)
  }
  const { tx } = await h.app.openTx('herald_app', owner.orgId)
  try {
    await t.rejects(tx.query('SELECT * FROM herald_limits.rate_counts'), /permission denied/, 'a request transaction is refused')
  } finally {
    await tx.rollback()
  }
  const { rows } = await h.app.limitsPool.query('SELECT current_user AS u')
  t.equal(rows[0].u, 'herald_limiter', 'the limiter\'s own connections run as herald_limiter')
  await t.rejects(h.app.limitsPool.query('SELECT count(*) FROM brands'), /permission denied/, 'which may read nothing else')
})
