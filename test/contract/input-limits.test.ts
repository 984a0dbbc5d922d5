// The limits openapi.yaml promises on input are the limits the server enforces: every body,
// query and path schema a route validates with (zod) is compared with its operation in the
// contract, bound by bound (maxLength, minLength, maxItems, minimum, maximum). A limit only
// one side has is a finding too: a client generated from the contract must neither send what
// the server refuses nor be refused what the contract allows.
import t from 'tap'
import { spec } from '../openapi-spec.js'
import { z } from 'zod'
import { createTestApp } from '../helper.js'

type Json = Record<string, any>
const BOUNDS = ['maxLength', 'minLength', 'maxItems', 'minimum', 'maximum'] as const

function deref (s: Json, root: Json): Json {
  while (s && typeof s.$ref === 'string') {
    s = s.$ref.replace(/^#\//, '').split('/').map((k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((o: Json, k: string) => o?.[k], root)
  }
  return s
}

/** Every bound in a JSON schema, by property path ("targets[].body"); unions are merged. */
function bounds (schema: Json, root: Json, path = '', out = new Map<string, Set<string>>(), seen = new Set<Json>()): Map<string, Set<string>> {
  const s = deref(schema, root)
  if (!s || typeof s !== 'object' || seen.has(s)) return out
  seen.add(s)
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const branch of s[key] ?? []) bounds(branch, root, path, out, seen)
  for (const b of BOUNDS) {
    // exclusiveMinimum 0 on an integer is minimum 1; zod writes positive() that way.
    let v = s[b]
    if (b === 'minimum' && v === undefined && typeof s.exclusiveMinimum === 'number') v = s.type === 'integer' ? s.exclusiveMinimum + 1 : `>${s.exclusiveMinimum}`
    // The widest integers JSON schema can hold are no limit at all.
    if (v === undefined || Math.abs(v) === Number.MAX_SAFE_INTEGER) continue
    if (!out.has(path)) out.set(path, new Set())
    out.get(path)!.add(`${b}=${v}`)
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) bounds(v as Json, root, path ? `${path}.${k}` : k, out, seen)
  if (s.items) bounds(s.items, root, `${path}[]`, out, seen)
  seen.delete(s)
  return out
}

/**
 * Limits the server enforces in a way JSON schema cannot show (a refinement, or the output
 * side of a transform), which the contract states as the equivalent bound. Each must still be
 * a difference, so a stale entry fails too.
 */
const ENFORCED_ELSEWHERE: Record<string, string> = {
  'POST /v1/auth/signup body password': 'at most 1024 bytes (a refinement), so at most 1024 characters',
  'POST /v1/auth/invitations/accept body password': 'at most 1024 bytes (a refinement), so at most 1024 characters',
  'POST /v1/social-accounts body handle': 'not empty once trimmed and without its @ (the transform\'s output)',
  'PATCH /v1/social-accounts/{id} body handle': 'not empty once trimmed and without its @ (the transform\'s output)',
  'POST /v1/campaigns body budget.currency': 'an ISO 4217 code (a refinement), which is three letters',
  'PATCH /v1/campaigns/{id} body budget.currency': 'an ISO 4217 code (a refinement), which is three letters'
}

const toJson = (schema: unknown): Json => z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json

function compare (where: string, server: Map<string, Set<string>>, contract: Map<string, Set<string>>): string[] {
  const problems: string[] = []
  for (const path of new Set([...server.keys(), ...contract.keys()])) {
    const a = [...(server.get(path) ?? [])].sort().join(' ')
    const b = [...(contract.get(path) ?? [])].sort().join(' ')
    const key = `${where} ${path || '(root)'}`
    if ((a !== b) !== (key in ENFORCED_ELSEWHERE)) problems.push(a !== b ? `${key}: server {${a}} contract {${b}}` : `${key}: listed in ENFORCED_ELSEWHERE but the same on both sides`)
  }
  return problems
}

t.test('every input limit in the contract is the one the server enforces', async (t) => {
  const h = await createTestApp(t)
  const problems: string[] = []
  let checked = 0
  for (const route of h.app.routeTable) {
    const schema = route.schema as Json | undefined
    if (!schema || !(schema.body || schema.querystring || schema.params)) continue
    const template = route.url.replace(/:(\w+)/g, '{$1}')
    // HEAD is the GET that Fastify adds for every GET; the contract documents the GET.
    for (const method of [route.method].flat().filter((m) => m !== 'HEAD')) {
      const op = spec.paths?.[template]?.[String(method).toLowerCase()]
      if (!op) { problems.push(`${method} ${template}: no operation in openapi.yaml`); continue }
      const where = `${method} ${template}`
      const params = [...(spec.paths[template].parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => deref(p, spec))
      if (schema.body && typeof schema.body.safeParse === 'function') {
        const media = deref(op.requestBody, spec)?.content?.['application/json']
        if (!media) problems.push(`${where}: a JSON body the contract does not describe`)
        else problems.push(...compare(`${where} body`, bounds(toJson(schema.body), {}), bounds(media.schema, spec)))
        checked++
      }
      for (const [part, location] of [['querystring', 'query'], ['params', 'path']] as const) {
        if (!schema[part] || typeof schema[part].safeParse !== 'function') continue
        const server = toJson(schema[part])
        const contract = { type: 'object', properties: Object.fromEntries(params.filter((p) => p.in === location).map((p) => [p.name, p.schema])) }
        problems.push(...compare(`${where} ${location}`, bounds(server, {}), bounds(contract, spec)))
        checked++
      }
    }
  }
  t.ok(checked > 50, `compared ${checked} schemas`)
  t.same(problems, [], 'the contract and the server agree on every input limit')
})
