import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { contractErrors } from '../helper.js'
import { cachedValidator, compileValidator } from '../contract-validators.js'
import { openapiPath } from '../../src/plugins/openapi.js'

// The check every test's responses go through (test/helper.ts): it must refuse what
// openapi.yaml does not allow, whether its validator was compiled here or read from the
// cache another test process wrote (test/contract-validators.ts).

const problem = {
  type: 'https://herald.dev/problems/not-found',
  title: 'Not found',
  status: 404,
  detail: 'No brand with this id.',
  code: 'HERALD_NOT_FOUND',
  requestId: 'req-1'
}
const response = (statusCode: number, body: unknown, type = 'application/problem+json') =>
  ({ statusCode, headers: { 'content-type': type }, body: JSON.stringify(body), json: () => body }) as any
const url = '/v1/brands/00000000-0000-4000-8000-000000000000'

t.test('a response that matches openapi.yaml passes; one that does not is refused, with the reason', async (t) => {
  t.same(contractErrors('GET', url, response(404, problem)), [])
  t.match(contractErrors('GET', url, response(404, { ...problem, status: '404' })), [/\/status must be integer/])
  t.match(contractErrors('GET', url, response(404, { ...problem, code: 'NOT_A_CODE' })), [/\/code must be equal to one of the allowed values/])
  const { requestId, ...withoutId } = problem
  t.ok(requestId)
  t.match(contractErrors('GET', url, response(404, withoutId)), [/must have required property 'requestId'/])
  t.match(contractErrors('GET', url, response(404, { ...problem, extra: 1 })), [/must NOT have additional properties/])
  t.match(contractErrors('GET', url, response(404, { ...problem, type: 'not a uri' })), [/\/type must match format "uri"/])
  t.match(contractErrors('GET', url, response(418, problem)), [/status 418 is not documented/])
  t.match(contractErrors('GET', url, response(404, problem, 'text/html')), [/content-type text\/html not documented/])
})

t.test('a validator read back from the cache judges as one compiled afresh', async (t) => {
  const pointer = '/components/schemas/Problem'
  cachedValidator(pointer)
  const dir = path.join(path.dirname(openapiPath), '.tap', 'openapi-cache')
  const cached = readdirSync(dir).filter((d) => d.startsWith('validators-')).flatMap((d) => readdirSync(path.join(dir, d)).map((f) => path.join(dir, d, f)))
  t.ok(cached.some((f) => f.endsWith('.cjs') && existsSync(f)), 'compiled validators are kept as modules')
  const fromCache = cachedValidator(pointer)
  const compiled = compileValidator(pointer)
  t.not(fromCache, compiled)
  for (const [body, valid] of [[problem, true], [{ ...problem, status: 99 }, false], [{ ...problem, type: 'nope' }, false], [{ ...problem, code: 1 }, false]] as const) {
    t.equal(fromCache(body), valid)
    t.equal(compiled(body), valid)
    t.same(fromCache.errors ?? null, compiled.errors ?? null)
  }
})
