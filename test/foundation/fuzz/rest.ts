// Malformed REST requests, generated per operation of openapi.yaml: each starts from the
// operation's documented example (with ids that exist) and breaks one thing: a path id, the
// query string, a body field (wrong type, missing, oversized, NUL or lone surrogate, unknown,
// nested too deep), the JSON itself, the content type, or a header.
import fc from 'fast-check'
import { badSegment, deepValue, encode, headerText, hugeString, nastyString, unknownKey, wrongValue } from './values.js'

export type Auth = 'public' | 'actor' | 'guest'

export interface Operation {
  method: string
  template: string
  pathParams: string[]
  queryParams: string[]
  bodyTypes: string[]
  example: unknown
  auth: Auth
}

export interface Fixtures {
  /** A value for a path parameter that exists: by `template param`, else by parameter name. */
  path: (template: string, param: string) => string
  /** Existing ids for body fields of that name (`brandId`, `brandIds`, …). */
  fields: Record<string, string>
  token: (auth: Auth) => string | undefined
}

export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
  /** What was broken, for the failure report. */
  defect: string
}

const HTTP_METHODS = ['get', 'post', 'patch', 'put', 'delete']

/** Every operation of the contract, with what it takes. */
export function operationsOf (spec: any): Operation[] {
  const resolve = (x: any): any => {
    while (x?.$ref) x = x.$ref.replace(/^#\//, '').split('/').reduce((o: any, k: string) => o?.[k], spec)
    return x
  }
  return Object.entries<any>(spec.paths).flatMap(([template, item]) => HTTP_METHODS.filter((m) => item[m]).map((m) => {
    const op = item[m]
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve)
    const content = op.requestBody?.content ?? {}
    const json = content['application/json']
    return {
      method: m.toUpperCase(),
      template,
      pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]),
      queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
      bodyTypes: Object.keys(content),
      example: json ? (json.example ?? Object.values<any>(json.examples ?? {})[0]?.value) : undefined,
      auth: Array.isArray(op.security) && op.security.length === 0 ? 'public' : template.startsWith('/v1/guest/') ? 'guest' : 'actor'
    }
  }))
}

/** The example with the ids it names replaced by ids that exist, so requests get past lookups. */
function withFixtures (value: unknown, fields: Record<string, string>, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => withFixtures(v, fields, key.endsWith('Ids') ? key.slice(0, -1) : key))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withFixtures(v, fields, k)]))
  return typeof value === 'string' && fields[key] ? fields[key] : value
}

type Path = Array<string | number>

function pathsOf (value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))]
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))]
  return [at]
}

function setAt (root: unknown, path: Path, fn: (old: unknown, parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(root)
  if (path.length === 0) return copy
  const parent = path.slice(0, -1).reduce((o: any, k) => o[k], copy)
  fn(parent[path[path.length - 1]], parent, path[path.length - 1])
  return copy
}

const pick = <T>(list: T[], i: number): T => list[i % list.length]

type Defect = { headers?: Record<string, string>, payload?: string, query?: string, path?: Record<string, string>, defect: string }

function bodyDefects (op: Operation, base: unknown): fc.Arbitrary<Defect> {
  const paths = pathsOf(base)
  const json = (v: unknown, defect: string): Defect => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(v), defect })
  const inner = paths.filter((p) => p.length > 0)
  const fieldDefects = inner.length
    ? [
        fc.record({ at: fc.nat(), value: wrongValue }).map(({ at, value }) => {
          const path = pick(inner, at)
          return json(setAt(base, path, (_o, parent, k) => { parent[k] = value }), `body ${path.join('/')} = ${JSON.stringify(value)?.slice(0, 80)}`)
        }),
        fc.nat().map((at) => {
          const path = pick(inner, at)
          return json(setAt(base, path, (_o, parent, k) => { if (Array.isArray(parent)) parent.splice(Number(k), 1); else delete parent[k] }), `body without ${path.join('/')}`)
        }),
        fc.record({ at: fc.nat(), s: fc.oneof(nastyString, hugeString), mode: fc.constantFrom('replace', 'append', 'key') }).map(({ at, s, mode }) => {
          const path = pick(inner, at)
          return json(setAt(base, path, (old, parent, k) => {
            if (mode === 'key' && !Array.isArray(parent)) {
              parent[`${String(k)}${s.slice(0, 50)}`] = old
              delete parent[k]
            } else parent[k] = mode === 'append' && typeof old === 'string' ? old + s : s
          }), `body ${path.join('/')} ${mode} hostile text (${s.length} chars)`)
        })
      ]
    : []
  return fc.oneof(
    ...fieldDefects,
    fc.record({ at: fc.nat(), keys: fc.array(fc.tuple(unknownKey, wrongValue), { minLength: 1, maxLength: 30 }) }).map(({ at, keys }) => {
      const objects = paths.filter((p) => { const v = p.reduce((o: any, k) => o?.[k], base); return v && typeof v === 'object' && !Array.isArray(v) })
      const path = objects.length ? pick(objects, at) : []
      const target = objects.length ? base : {}
      const mutated = path.length ? setAt(target, path, (old: any, parent, k) => { parent[k] = { ...old, ...Object.fromEntries(keys) } }) : { ...(target as object), ...Object.fromEntries(keys) }
      return json(mutated, `${keys.length} unknown field(s) at ${path.join('/') || '(body)'}`)
    }),
    fc.integer({ min: 1_000, max: 40_000 }).map((n) => json({ ...(base as object), ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) }, `${n} unknown fields`)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => json(v, `body replaced by ${JSON.stringify(v)?.slice(0, 80)}`)),
    deepValue.map((v) => json({ ...(base as object), nested: v }, 'nesting too deep')),
    fc.oneof(
      fc.nat().map((n) => { const s = JSON.stringify(base ?? {}); return s.slice(0, n % Math.max(1, s.length)) }),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', ' ', '{', '{"a":}', '[1,', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', 'null', '1', '"s"', '[]', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"a":1,"a":2}', 'NaN', '{"a":1e999}', '{"a":"\\x"}', '\u0000')
    ).map((raw) => ({ headers: { 'content-type': 'application/json' }, payload: raw, defect: `raw JSON ${JSON.stringify(raw.slice(0, 80))}` })),
    fc.record({
      type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', 'application/xml', 'application/json; charset=utf-16', 'application/jsonx', 'application/graphql', 'application/*', 'APPLICATION/JSON', 'text/csv; charset=latin1'),
      raw: fc.boolean()
    }).map(({ type, raw }) => ({ headers: { 'content-type': type }, payload: raw ? 'brandId,title\n\u0000,x' : JSON.stringify(base ?? {}), defect: `content-type ${type}` })),
    fc.constant({ payload: JSON.stringify(base ?? {}), defect: 'no content-type' })
  )
}

function csvDefects (fields: Record<string, string>): fc.Arbitrary<Defect> {
  const cell = fc.oneof(nastyString, fc.string({ maxLength: 10 }), hugeString, fc.constantFrom('"', '""', '"a', 'a"b', '\n', '\r', ',', fields.brandId))
  return fc.record({
    columns: fc.array(fc.oneof(fc.constantFrom('brandId', 'title', 'kind', 'body', 'labels', 'socialAccountIds', 'scheduledAt'), unknownKey), { minLength: 1, maxLength: 5 }),
    rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 0, maxLength: 4 }),
    bulk: fc.boolean()
  }).map(({ columns, rows, bulk }) => {
    const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
    const body = [columns, ...(bulk ? Array.from({ length: 101 }, () => rows[0] ?? ['x']) : rows)].map((r) => r.map(quote).join(',')).join('\n')
    return { headers: { 'content-type': 'text/csv' }, payload: body, defect: `CSV ${JSON.stringify(body.slice(0, 120))}` }
  })
}

function queryDefects (op: Operation): fc.Arbitrary<Defect> {
  const names = [...op.queryParams, 'heraldUnknown']
  const value = fc.oneof(nastyString, wrongValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')), fc.constantFrom('', '-1', '0', '201', '99999999999999999999', '1.5', 'abc', '-createdAt', 'createdAt', '2025-01-01', 'x'.repeat(5000)))
  return fc.array(fc.record({ name: fc.oneof(fc.constantFrom(...names), unknownKey), value, twice: fc.boolean() }), { minLength: 1, maxLength: 3 })
    .map((params) => {
      const query = params.flatMap(({ name, value, twice }) => Array(twice ? 2 : 1).fill(`${encode(name)}=${encode(value)}`)).join('&')
      return { query, defect: `query ?${query.slice(0, 160)}` }
    })
}

function headerDefects (op: Operation): fc.Arbitrary<Defect> {
  const names = op.method === 'GET' ? ['if-none-match'] : op.method === 'POST' ? ['idempotency-key', 'if-match'] : ['if-match']
  return fc.record({ name: fc.constantFrom(...names, 'x-request-id'), value: fc.oneof(headerText, fc.constantFrom('', '*', '"0"', 'W/"1"', '"-1"', '"99999999999999999999"', '"1", "2"', 'x'.repeat(300))) })
    .map(({ name, value }) => ({ headers: { [name]: value }, defect: `header ${name}: ${JSON.stringify(value.slice(0, 80))}` }))
}

/** One malformed request for `op`, with valid credentials. */
export function malformedRequest (op: Operation, fx: Fixtures): fc.Arbitrary<FuzzRequest> {
  const base = withFixtures(op.example, fx.fields)
  const hasBody = ['POST', 'PATCH', 'PUT', 'DELETE'].includes(op.method)
  const defects: Array<fc.Arbitrary<Defect>> = [queryDefects(op), headerDefects(op)]
  if (op.pathParams.length) {
    defects.push(fc.record({ at: fc.nat(), seg: badSegment }).map(({ at, seg }) => {
      const param = pick(op.pathParams, at)
      return { path: { [param]: seg }, defect: `path ${param}=${seg.slice(0, 80)}` }
    }))
  }
  if (hasBody && op.bodyTypes.includes('application/json')) defects.push(bodyDefects(op, base ?? {}), bodyDefects(op, base ?? {}))
  if (op.bodyTypes.includes('text/csv')) defects.push(csvDefects(fx.fields))
  if (hasBody && !op.bodyTypes.length) defects.push(bodyDefects(op, {}))
  return fc.oneof(...defects).map((d) => {
    const url = op.template.replace(/\{([^}]+)\}/g, (_, p) => d.path?.[p] ?? encode(fx.path(op.template, p))) + (d.query ? `?${d.query}` : '')
    const token = fx.token(op.auth)
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(d.headers ?? {}) }
    // A body where none is broken gets the valid example, so the one defect is what is tested.
    const payload = d.payload ?? (hasBody && op.bodyTypes.includes('application/json') ? JSON.stringify(base ?? {}) : undefined)
    if (payload !== undefined && !('content-type' in headers) && d.payload === undefined) headers['content-type'] = 'application/json'
    return { method: op.method, url, headers, payload, defect: d.defect }
  })
}
