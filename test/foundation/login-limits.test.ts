import t from 'tap'
import { createTestApp, json, type TestApp } from '../helper.js'
import { PASSWORD, signup } from '../factories.js'

// Failed sign-ins lock out the one guessing, not the right people: consecutive failures are
// counted per email *and* address, slow guessing per address per day (rate-limiter-flexible's
// login-protection pattern). (Across instances: test/faults/two-instances-limits.test.ts.)

function signIn (h: TestApp, email: string, password: string, remoteAddress: string) {
  return h.inject({ method: 'POST', url: '/v1/auth/token', remoteAddress, payload: { grantType: 'password', email, password } })
}

async function failTimes (h: TestApp, n: number, email: string, remoteAddress: string): Promise<number[]> {
  const codes = []
  for (let i = 0; i < n; i++) codes.push((await signIn(h, email, `wrong password ${i}`, remoteAddress)).statusCode)
  return codes
}

t.test('consecutive failures lock that email from that address, and nothing else', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '5', LOGIN_WINDOW_MS: '900000' })
  const ann = await signup(h, 'ann')
  const bob = await signup(h, 'bob')
  const office = '192.0.2.10'

  t.same(await failTimes(h, 5, ann.email, office), [401, 401, 401, 401, 401], 'five wrong passwords: 401 each')
  const locked = await signIn(h, ann.email, PASSWORD, office)
  t.equal(locked.statusCode, 429, 'then even the right password waits, from that address')
  t.equal(json(locked).code, 'HERALD_RATE_LIMITED')
  const wait = Number(locked.headers['retry-after'])
  t.ok(wait > 890 && wait <= 900, `for the lock's duration (Retry-After ${wait})`)

  t.equal((await signIn(h, ann.email, PASSWORD, '198.51.100.4')).statusCode, 200, 'the same account from an address that has not been failing: signed in')
  t.equal((await signIn(h, bob.email, PASSWORD, office)).statusCode, 200, 'a colleague behind the same address: signed in')
  t.same(await failTimes(h, 1, bob.email, office), [401], 'and the colleague\'s own typo is just a 401')
})

t.test('a success clears the count of that email and address', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '3' })
  const cid = await signup(h, 'cid')
  const home = '192.0.2.77'
  t.same(await failTimes(h, 2, cid.email, home), [401, 401])
  t.equal((await signIn(h, cid.email, PASSWORD, home)).statusCode, 200)
  t.same(await failTimes(h, 2, cid.email, home), [401, 401], 'two more typos after signing in: not locked')
  t.equal((await signIn(h, cid.email, PASSWORD, home)).statusCode, 200, 'the count started again from zero')
  t.same(await failTimes(h, 3, cid.email, home), [401, 401, 401])
  t.equal((await signIn(h, cid.email, PASSWORD, home)).statusCode, 429, 'three in a row lock it')
})

t.test('slow guessing from one address: locked for a day after the daily number of failures', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '5', LOGIN_MAX_FAILURES_PER_ADDRESS: '8' })
  const dee = await signup(h, 'dee')
  const guesser = '203.0.113.66'
  // Spread over many emails (a few tries each, never enough to lock one pair) and unknown ones.
  const codes = []
  for (let i = 0; i < 8; i++) codes.push((await signIn(h, i % 2 ? dee.email : `nobody-${i}@example.com`, 'guess', guesser)).statusCode)
  t.same(codes, Array(8).fill(401), 'eight failures, no pair locked')
  const next = await signIn(h, dee.email, PASSWORD, guesser)
  t.equal(next.statusCode, 429, 'the address is locked, for any email')
  const wait = Number(next.headers['retry-after'])
  t.ok(wait > 86_000, `for a day (Retry-After ${wait})`)
  t.equal((await signIn(h, 'nobody-new@example.com', 'guess', guesser)).statusCode, 429, 'unknown emails too: a lock says nothing about which accounts exist')
  t.equal((await signIn(h, dee.email, PASSWORD, '203.0.113.67')).statusCode, 200, 'the account itself is not locked')
})

t.test('the counters are stored as hashes, not as emails or addresses', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '5' })
  const eve = await signup(h, 'eve')
  await failTimes(h, 2, eve.email, '192.0.2.200')
  const rows = await h.sql('SELECT key, points FROM herald_limits.login_failures')
  t.equal(rows.length, 2, 'one row for the pair, one for the address')
  t.notOk(rows.some((r) => r.key.includes(eve.email) || r.key.includes('192.0.2.200')), 'neither the email nor the address is stored')
  t.same(rows.map((r) => r.points).sort(), [2, 2])
})
