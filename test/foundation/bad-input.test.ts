import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import { z } from 'zod'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { CLIENT_ONLY, createGuestLink, submittedItem, usePolicy } from '../factories-review.js'

// Bad input on EVERY route, table-driven over the routes the app really registers, so a route
// added later is covered the day it is merged: no credential, oversized, non-JSON and broken
// bodies, malformed and unknown path ids, unknown query parameters. Each answer must be the
// documented problem+json (h.inject also checks it against openapi.yaml).

/**
 * Bodies for routes whose body `{}` does not satisfy and whose schema the sampler below cannot
 * fill in (a refinement such as an IANA time zone). Needed only for the unknown-id check,
 * which must get past body validation to reach the 404.
 */
const SAMPLE_BODIES: Record<string, unknown> = {
  'POST /v1/brands/:id/blackouts': { startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z', reason: 'sample' },
  // "at least one field" is a refinement the sampler cannot see.
  'PATCH /v1/webhooks/:id': { enabled: false }
}
/** Required query parameters, for routes that need some to reach the unknown-id check. */
const SAMPLE_QUERIES: Record<string, string> = {
  'GET /v1/content-items/:id/revisions/compare': '?from=1&to=2'
}

const UNKNOWN = '7d3f5c1e-2b4a-4e6f-9a8b-0c1d2e3f4a5b'
const MiB = 1024 * 1024

interface Case { method: string, url: string, route: RouteOptions }

function cases (routes: RouteOptions[]): Case[] {
  return routes.flatMap((route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => !['HEAD', 'OPTIONS'].includes(m))
    // GraphQL answers in its own response shape (tested in test/graphql); docs are static.
    if (route.url === '/graphql' || !route.url.startsWith('/v1/')) return []
    return methods.map((method) => ({ method, url: route.url, route }))
  })
}

const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])
const zodOf = (schema: unknown) => (schema instanceof z.ZodType ? schema : undefined)
const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as any

/** The route's uuid path parameters, per its params schema (`:platform` and the like are not ids). */
function uuidParams (c: Case): string[] {
  const schema = zodOf(c.route.schema?.params)
  if (!schema) return []
  const props = jsonSchemaOf(schema).properties ?? {}
  return paramsOf(c.url).filter((p) => props[p]?.format === 'uuid')
}

/** The URL with every parameter filled: uuids with an unknown id, others with a valid sample. */
function fill (c: Case, values: Record<string, string> = {}): string {
  const schema = zodOf(c.route.schema?.params)
  const props = schema ? jsonSchemaOf(schema).properties ?? {} : {}
  return c.url.replace(/:([A-Za-z]+)/g, (_, p) => values[p] ?? (props[p] && props[p].format !== 'uuid' ? String(sample(props[p])) : UNKNOWN))
}

/** A value satisfying a JSON schema's required parts (best effort: no patterns, no refinements). */
function sample (s: any): unknown {
  if (!s || typeof s !== 'object') return null
  if ('const' in s) return s.const
  if (s.enum) return s.enum[0]
  for (const key of ['anyOf', 'oneOf']) if (s[key]) return sample(s[key].find((x: any) => x.type !== 'null') ?? s[key][0])
  if (s.allOf) return Object.assign({}, ...s.allOf.map(sample))
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type
  switch (type) {
    case 'object': return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(s.properties?.[k])]))
    case 'array': return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items))
    case 'integer': case 'number': return Math.max(s.minimum ?? 1, (s.exclusiveMinimum ?? 0) + 1)
    case 'boolean': return true
    case 'string':
      if (s.format === 'uuid') return UNKNOWN
      if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString()
      if (s.format === 'date') return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
      if (s.format === 'email') return 'sample@example.com'
      return 'x'.repeat(Math.max(1, s.minLength ?? 1))
    default: return null
  }
}

/** A body that passes the route's own validation, so the request reaches the service. */
function validBody (c: Case): { body: unknown } | undefined {
  const key = `${c.method} ${c.url}`
  if (key in SAMPLE_BODIES) return { body: SAMPLE_BODIES[key] }
  const schema = zodOf(c.route.schema?.body)
  if (!schema) return undefined
  if (schema.safeParse({}).success) return { body: {} }
  const guess = sample(jsonSchemaOf(schema))
  return schema.safeParse(guess).success ? { body: guess } : undefined
}

t.test('bad input on every route', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '100000', RATE_LIMIT_ANON_MAX: '100000' })
  const owner = await signup(h, 'bad-input')
  // Guest routes (/v1/guest/*) take a guest review token and nothing else.
  const brand = await createBrand(h, owner)
  await usePolicy(h, owner, brand.id, CLIENT_ONLY)
  const guest = await createGuestLink(h, owner, (await submittedItem(h, owner, brand.id)).requestId)
  const credential = (c: Case) => {
    const auth = (c.route.config as any)?.auth
    return auth === 'public' ? {} : bearer(auth === 'guest' ? guest.token : owner.token)
  }
  const all = cases(h.app.routeTable)
  t.ok(all.length >= 15, `${all.length} route methods`)
  const problem = (t: any, res: any, status: number, code: string, what: string) => {
    t.equal(res.statusCode, status, what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`)
    t.equal(json(res).code, code, `${what}: ${code}`)
  }

  t.test('no credential: 401 on every authenticated route', async (t) => {
    const authenticated = all.filter((c) => (c.route.config as any)?.auth !== 'public')
    t.ok(authenticated.length > 10)
    for (const c of authenticated) {
      const res = await h.inject({ method: c.method as any, url: fill(c) })
      problem(t, res, 401, 'HERALD_UNAUTHENTICATED', `${c.method} ${c.url}`)
      const garbage = await h.inject({ method: c.method as any, url: fill(c), headers: bearer('not-a-token') })
      problem(t, garbage, 401, 'HERALD_UNAUTHENTICATED', `${c.method} ${c.url} (garbage token)`)
    }
  })

  t.test('bodies: over 1 MiB is 413, not JSON is 415, broken JSON is 400', async (t) => {
    const withBody = all.filter((c) => ['POST', 'PATCH', 'PUT'].includes(c.method) && c.route.schema?.body)
    t.ok(withBody.some((c) => c.method === 'PATCH') && withBody.some((c) => c.method === 'POST'))
    for (const c of withBody) {
      const name = `${c.method} ${c.url}`
      const auth = credential(c)
      const url = fill(c)
      const big = await h.inject({ method: c.method as any, url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(MiB) }) })
      problem(t, big, 413, 'HERALD_PAYLOAD_TOO_LARGE', `${name} >1 MiB`)
      const plain = await h.inject({ method: c.method as any, url, headers: { ...auth, 'content-type': 'text/plain' }, payload: '{"name":"x"}' })
      problem(t, plain, 415, 'HERALD_UNSUPPORTED_MEDIA_TYPE', `${name} text/plain`)
      const form = await h.inject({ method: c.method as any, url, headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' })
      problem(t, form, 415, 'HERALD_UNSUPPORTED_MEDIA_TYPE', `${name} form`)
      const broken = await h.inject({ method: c.method as any, url, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name": ' })
      problem(t, broken, 400, 'HERALD_VALIDATION', `${name} broken JSON`)
      const wrongShape = await h.inject({ method: c.method as any, url, headers: { ...auth, 'content-type': 'application/json' }, payload: '[1, 2]' })
      problem(t, wrongShape, 400, 'HERALD_VALIDATION', `${name} an array for an object`)
    }
  })

  t.test('every path parameter is validated by a schema', async (t) => {
    for (const c of all.filter((c) => paramsOf(c.url).length > 0)) {
      const schema = zodOf(c.route.schema?.params)
      t.ok(schema, `${c.method} ${c.url} has a params schema`)
      if (schema) t.same(Object.keys(jsonSchemaOf(schema).properties ?? {}).sort(), paramsOf(c.url).sort(), `${c.method} ${c.url}: one schema entry per parameter`)
    }
  })

  t.test('path ids: malformed is a 400 naming the parameter, unknown is a 404', async (t) => {
    const withIds = all.filter((c) => uuidParams(c).length > 0 && (c.route.config as any)?.auth !== 'public')
    t.ok(withIds.length >= 8, `${withIds.length} routes with ids`)
    for (const c of withIds) {
      const name = `${c.method} ${c.url}`
      const body = validBody(c)
      const payload = body ? { payload: body.body as any } : {}
      for (const param of uuidParams(c)) {
        for (const bad of ['not-a-uuid', '12345', `${UNKNOWN}x`]) {
          const res = await h.inject({ method: c.method as any, url: fill(c, { [param]: bad }), headers: bearer(owner.token), ...payload })
          problem(t, res, 400, 'HERALD_VALIDATION', `${name} ${param}=${bad}`)
          t.same(json(res).errors?.map((e: any) => e.path), [param], `${name}: the error names ${param}`)
        }
      }
      if (c.route.schema?.body && !body) {
        t.fail(`${name}: cannot build a valid body to reach the unknown-id check; add one to SAMPLE_BODIES in test/foundation/bad-input.test.ts`)
        continue
      }
      const query = SAMPLE_QUERIES[name] ?? ''
      const res = await h.inject({ method: c.method as any, url: fill(c, Object.fromEntries(uuidParams(c).map((p) => [p, randomUUID()]))) + query, headers: bearer(owner.token), ...payload })
      problem(t, res, 404, 'HERALD_NOT_FOUND', `${name} unknown id`)
    }
  })

  t.test('the body sampler gets past validation where a schema allows it', async (t) => {
    const find = (method: string, url: string) => all.find((c) => c.method === method && c.url === url)!
    t.same(validBody(find('PATCH', '/v1/brands/:id')), { body: {} }, '{} when every field is optional')
    const invite = validBody(find('POST', '/v1/members'))
    t.match(invite, { body: { email: 'sample@example.com', role: String } }, 'required fields sampled from the schema')
    t.equal(validBody(find('POST', '/v1/brands')), undefined, 'a refinement (IANA time zone) defeats it: SAMPLE_BODIES is the way out')
  })

  t.test('query strings are strict: an unknown parameter is a 400 naming it', async (t) => {
    const withQuery = all.filter((c) => c.route.schema?.querystring && (c.route.config as any)?.auth !== 'public')
    t.ok(withQuery.length >= 4)
    for (const c of withQuery) {
      const res = await h.inject({ method: c.method as any, url: `${fill(c)}?heraldUnknown=1`, headers: credential(c) })
      problem(t, res, 400, 'HERALD_VALIDATION', `${c.method} ${c.url}?heraldUnknown`)
      t.ok(json(res).errors?.some((e: any) => e.path === 'heraldUnknown'), `${c.method} ${c.url}: names the parameter`)
    }
  })
})
