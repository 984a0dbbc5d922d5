// /metrics carries what an operator alerts on: each Herald counter moves when, and only when,
// its event happens (a 429 from either limiter, a failed sign-in, a replayed Idempotency-Key, a
// GraphQL query over its limits), build info names the version and Node.js, and request
// durations are histograms only (summaries cannot be aggregated across instances).
import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { PASSWORD, signup } from '../factories.js'

/** One sample of /metrics, by series ("name{labels}"). */
async function scrape (h: TestApp): Promise<Map<string, number>> {
  const res = await h.inject({ method: 'GET', url: '/metrics' })
  const series = new Map<string, number>()
  for (const line of res.body.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line)
    if (m) series.set(m[1], Number(m[2]))
  }
  return series
}

async function delta (h: TestApp, act: () => Promise<unknown>): Promise<(name: string) => number> {
  const before = await scrape(h)
  await act()
  const after = await scrape(h)
  return (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0)
}

const gql = (h: TestApp, token: string, query: string) =>
  h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query } })

t.test('Herald counters', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '2' })
  const s = await signup(h, 'metrics')

  t.test('failed sign-ins, then the sign-in limiter', async (t) => {
    const moved = await delta(h, async () => {
      for (let i = 0; i < 3; i++) await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: s.email, password: `${PASSWORD}-wrong` } })
    })
    t.equal(moved('herald_sign_in_failures_total'), 2, 'two wrong passwords')
    t.equal(moved('herald_rate_limit_refusals_total{limiter="sign_in"}'), 1, 'the third is refused before the password is checked')
    t.equal(moved('herald_rate_limit_refusals_total{limiter="requests"}'), 0)
  })

  t.test('idempotent replays', async (t) => {
    const post = () => h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(s.token), 'idempotency-key': 'metrics-brand' }, payload: { name: 'Replayed', timeZone: 'Europe/Paris' } })
    const first = await delta(h, post)
    t.equal(first('herald_idempotent_replays_total'), 0, 'the first request runs')
    const second = await delta(h, post)
    t.equal(second('herald_idempotent_replays_total'), 1, 'the retry is a replay')
  })

  t.test('GraphQL limit refusals, each time (also when the refusal is cached)', async (t) => {
    const deep = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(9)}name${' }'.repeat(9)} } } } }`
    const moved = await delta(h, async () => {
      for (let i = 0; i < 2; i++) {
        const res = await gql(h, s.token, deep)
        t.equal(json(res).errors[0].extensions.code, 'HERALD_QUERY_LIMIT')
      }
      const long = await gql(h, s.token, `{ ${'viewer { kind } '.repeat(2000)} }`)
      t.equal(json(long).errors[0].extensions.code, 'HERALD_QUERY_LIMIT')
      t.equal((await gql(h, s.token, '{ viewer { kind } }')).statusCode, 200)
    })
    t.equal(moved('herald_graphql_limit_refusals_total'), 3)
  })

  t.test('build info and histograms only', async (t) => {
    const series = await scrape(h)
    t.equal(series.get(`herald_build_info{version="0.1.0",node_version="${process.version}"}`), 1)
    const names = [...series.keys()]
    t.ok(names.some((n) => n.startsWith('http_request_duration_seconds_bucket{')), 'request duration histogram')
    t.notOk(names.some((n) => n.startsWith('http_request_summary_seconds')), 'no per-route summary')
  })
})

t.test('the request limiter', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '3' })
  const s = await signup(h, 'metrics-rl')
  const moved = await delta(h, async () => {
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(s.token) })).statusCode)
    t.same(codes, [200, 200, 429, 429])
  })
  t.equal(moved('herald_rate_limit_refusals_total{limiter="requests"}'), 2)
})
