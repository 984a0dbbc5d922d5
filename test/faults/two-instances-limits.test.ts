import t from 'tap'
import { createDatabase, databaseUrl } from '../helper.js'
import { PASSWORD, startServer } from './process.js'

// Limits hold across instances: two server processes on one database share one rate budget
// per credential and per address, and see each other's failed sign-ins. Each instance counts
// locally and reconciles through PostgreSQL in the background, so the budget may be passed by
// a small, stated slack (README, "Rate limits across instances"): per instance, about 6% of
// the budget and at least 3 requests.

const MAX = 40
const ANON_MAX = 20
// The stated slack for two instances and these budgets.
const SLACK = 2 * 3

t.test('two instances on one database', async (t) => {
  const db = await createDatabase(t)
  const env = { DATABASE_URL: databaseUrl(db), RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_ANON_MAX: String(ANON_MAX), LOGIN_MAX_FAILURES: '3' }
  const servers = [startServer(env), startServer(env)]
  t.teardown(() => { for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL') })
  const [a, b] = await Promise.all(servers.map((s) => s.listening()))
  const bases = [a, b]
  // Budgets are windows of a clock minute, the last one weighing in as it slides away: a run
  // that crossed a minute would see a spent budget grow back by a request or two mid-test
  // (that is the limiter working). Start with at least 25 s of this minute left; the requests
  // below take a few seconds.
  const leftOfMinute = 60_000 - (Date.now() % 60_000)
  if (leftOfMinute < 25_000) await new Promise((resolve) => setTimeout(resolve, leftOfMinute + 200))

  // Two accounts, made on either instance (a sign-up is anonymous: one request of the address).
  const accounts: Array<{ email: string, token: string }> = []
  for (const [i, base] of bases.entries()) {
    const email = `two-${i}-${Date.now()}@example.com`
    const res = await fetch(`${base}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationName: `Two ${i}`, name: 'Owner', email, password: PASSWORD })
    })
    t.equal(res.status, 201)
    accounts.push({ email, token: (await res.json() as { accessToken: string }).accessToken })
  }

  t.test('failed sign-ins counted on one instance lock on the other', async (t) => {
    const signIn = async (base: string, email: string, password: string) => {
      const res = await fetch(`${base}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grantType: 'password', email, password })
      })
      await res.arrayBuffer()
      return res.status
    }
    const fails = [await signIn(a, accounts[0].email, 'wrong one'), await signIn(b, accounts[0].email, 'wrong two'), await signIn(a, accounts[0].email, 'wrong three')]
    t.same(fails, [401, 401, 401], 'three failures, on both instances')
    t.equal(await signIn(b, accounts[0].email, PASSWORD), 429, 'the other instance refuses even the right password from that address')
    t.equal(await signIn(b, accounts[1].email, PASSWORD), 200, 'another account from the same address signs in')
  })

  t.test('one credential, requests alternating between the instances: one budget', async (t) => {
    const auth = { authorization: `Bearer ${accounts[0].token}` }
    const statuses: number[] = []
    let lastRefusal: Response | undefined
    for (let i = 0; i < 2 * MAX; i++) {
      const res = await fetch(`${bases[i % 2]}/v1/me`, { headers: auth })
      await res.arrayBuffer()
      statuses.push(res.status)
      if (res.status === 429) lastRefusal = res
    }
    const admitted = statuses.filter((s) => s === 200).length
    t.ok(admitted >= MAX, `the whole budget was usable (${admitted} admitted)`)
    t.ok(admitted <= MAX + SLACK, `and no more than it plus the stated slack: ${admitted} of ${2 * MAX}, budget ${MAX} (per-instance budgets would have admitted all ${2 * MAX})`)
    t.same([...new Set(statuses)].sort(), [200, 429], 'admitted or refused, nothing else')
    t.same(statuses.slice(-10), Array(10).fill(429), 'once spent, both instances refuse')
    t.ok(Number(lastRefusal?.headers.get('retry-after')) > 0, 'with Retry-After')
    t.equal(lastRefusal?.headers.get('ratelimit-limit'), String(MAX))
    t.equal(lastRefusal?.headers.get('ratelimit-remaining'), '0')
    const other = await fetch(`${bases[1]}/v1/me`, { headers: { authorization: `Bearer ${accounts[1].token}` } })
    t.equal(other.status, 200, 'another credential has a budget of its own')
  })

  t.test('one address without credentials, alternating: one budget', async (t) => {
    const statuses: number[] = []
    for (let i = 0; i < 2 * ANON_MAX; i++) {
      const res = await fetch(`${bases[i % 2]}/v1/brands`)
      await res.arrayBuffer()
      statuses.push(res.status)
    }
    // Two sign-ups and five sign-in attempts have already spent seven of this address's budget.
    const spent = 7
    const refusedAsUnauthenticated = statuses.filter((s) => s === 401).length
    t.ok(refusedAsUnauthenticated >= ANON_MAX - spent && refusedAsUnauthenticated <= ANON_MAX - spent + SLACK, `${refusedAsUnauthenticated} answered 401 before the address was limited (budget ${ANON_MAX}, ${spent} spent before)`)
    t.same(statuses.slice(-5), Array(5).fill(429), 'then 429 from both')
    t.equal((await fetch(`${bases[0]}/v1/me`, { headers: { authorization: `Bearer ${accounts[1].token}` } })).status, 200, 'a valid token from the same address still works')
  })
})
