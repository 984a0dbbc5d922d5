import t from 'tap'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { spec } from '../openapi-spec.js'
import { schemaPath } from '../../src/plugins/graphql.js'
import { bearer, createTestApp } from '../helper.js'
import { fault, fixtures } from './fuzz/harness.js'
import { malformedRequest, operationsOf, type FuzzRequest } from './fuzz/rest.js'
import { malformedGraphql, rootFields } from './fuzz/graphql.js'

// Generated malformed requests against every operation of openapi.yaml and every root field of
// schema.graphql, each with valid credentials and one thing broken (see ./fuzz/). Whatever is
// sent: no 5xx, every REST error is problem+json with a `code`, every GraphQL error carries
// `extensions.code` (never HERALD_INTERNAL), and every reply is valid against openapi.yaml.
// A failure prints fast-check's seed and path; replay it with HERALD_FUZZ_SEED=<seed>.

const REST_RUNS = 1_500
const GRAPHQL_RUNS = 500
const seed = process.env.HERALD_FUZZ_SEED ? Number(process.env.HERALD_FUZZ_SEED) : undefined

t.test('generated malformed requests never get a 5xx and always get the contract', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '1000000', RATE_LIMIT_ANON_MAX: '1000000' })
  const fx = await fixtures(h)
  let sent = 0
  const send = async (req: FuzzRequest) => {
    sent++
    const res = await h.app.inject({ method: req.method as any, url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) })
    const why = fault(req, res)
    if (why) throw new Error(`${req.method} ${req.url.slice(0, 200)} [${req.defect}]: ${why}`)
  }

  const operations = operationsOf(spec).filter((op) => op.template.startsWith('/v1/'))
  t.test('the contract covers the route table', async (t) => {
    const registered = new Set(h.app.routeTable.flatMap((r) => [r.method].flat().map((m) => `${m} ${r.url}`)))
    for (const op of operations) t.ok(registered.has(`${op.method} ${op.template.replace(/\{([^}]+)\}/g, ':$1')}`), `${op.method} ${op.template} is served`)
    const documented = new Set(operations.map((op) => `${op.method} ${op.template.replace(/\{([^}]+)\}/g, ':$1')}`))
    for (const route of registered) if (/^(GET|POST|PATCH|PUT|DELETE) \/v1\//.test(route)) t.ok(documented.has(route), `${route} is in openapi.yaml, so it is fuzzed`)
  })

  t.test('REST', async (t) => {
    const before = sent
    await fc.assert(fc.asyncProperty(fc.constantFrom(...operations).chain((op) => malformedRequest(op, fx)), send), { numRuns: REST_RUNS, seed })
    t.ok(sent - before >= REST_RUNS, `${sent - before} malformed REST requests`)
  })

  t.test('GraphQL', async (t) => {
    const before = sent
    const { fields } = rootFields(readFileSync(schemaPath, 'utf8'))
    await fc.assert(fc.asyncProperty(malformedGraphql(fields, fx.owner.token), send), { numRuns: GRAPHQL_RUNS, seed })
    t.ok(sent - before >= GRAPHQL_RUNS, `${sent - before} malformed GraphQL requests`)
  })

  t.test('the credential still works: the fuzz tested input, not a lock-out', async (t) => {
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(fx.owner.token) })).statusCode, 200)
    t.ok(sent >= 1_000, `${sent} requests in all`)
  })
})
