// Malformed GraphQL requests, generated from schema.graphql: every root field of Query and
// Mutation, called with its arguments as variables, and one thing broken: a variable's value
// (wrong type, hostile text, oversized, nested too deep, unknown input fields), an inline
// literal, the document, or the HTTP request around it (query not a string, batches,
// variables not an object, unknown operation name, GET with a mutation).
import fc from 'fast-check'
import {
  buildSchema, getNamedType, getNullableType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType,
  type GraphQLField, type GraphQLInputType, type GraphQLSchema
} from 'graphql'
import type { FuzzRequest } from './rest.js'
import { deepValue, encode, hugeString, nastyString, unknownKey, wrongValue } from './values.js'

const UNKNOWN = '7d3f5c1e-2b4a-4e6f-9a8b-0c1d2e3f4a5b'

export interface RootField { kind: 'query' | 'mutation', name: string, field: GraphQLField<unknown, unknown> }

export function rootFields (sdl: string): { schema: GraphQLSchema, fields: RootField[] } {
  const schema = buildSchema(sdl)
  const of = (kind: 'query' | 'mutation') => Object.values((kind === 'query' ? schema.getQueryType() : schema.getMutationType())?.getFields() ?? {}).map((field) => ({ kind, name: field.name, field }))
  return { schema, fields: [...of('query'), ...of('mutation')] }
}

/** A value the type accepts (ids that do not exist, so nothing real is changed). */
function sample (type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType)
  if (isListType(type)) return [sample(type.ofType)]
  if (isEnumType(type)) return type.getValues()[0].value
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]))
  }
  switch (getNamedType(type).name) {
    case 'Int': return 1
    case 'Float': return 1.5
    case 'Boolean': return true
    case 'ID': return UNKNOWN
    default: return 'x'
  }
}

const selection = (field: GraphQLField<unknown, unknown>) => (isLeafType(getNamedType(field.type)) ? '' : ' { __typename }')

function document (f: RootField, inline?: { arg: string, literal: string }): string {
  const args = f.field.args.filter((a) => a.name !== inline?.arg)
  const defs = args.length ? `(${args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})` : ''
  const call = [...args.map((a) => `${a.name}: $${a.name}`), ...(inline ? [`${inline.arg}: ${inline.literal}`] : [])]
  return `${f.kind} Fuzz${defs} { ${f.name}${call.length ? `(${call.join(', ')})` : ''}${selection(f.field)} }`
}

/** A GraphQL string literal holding `s` (NUL and lone surrogates as \u escapes). */
const literal = (s: string) => `"${[...s].map((ch) => { const c = ch.charCodeAt(0); return c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || ch === '"' || ch === '\\' ? `\\u${c.toString(16).padStart(4, '0')}` : ch }).join('')}"`

interface Call { body: Record<string, unknown>, defect: string, get?: boolean }

function variableDefects (f: RootField): Array<fc.Arbitrary<Call>> {
  const vars = Object.fromEntries(f.field.args.map((a) => [a.name, sample(a.type)]))
  const query = document(f)
  if (!f.field.args.length) return [fc.constant({ body: { query, variables: { stray: 'x' } }, defect: 'a variable the document does not declare' })]
  const arg = fc.constantFrom(...f.field.args)
  return [
    fc.record({ a: arg, value: wrongValue }).map(({ a, value }) => ({ body: { query, variables: { ...vars, [a.name]: value } }, defect: `$${a.name} = ${JSON.stringify(value)?.slice(0, 80)}` })),
    fc.record({ a: arg, s: fc.oneof(nastyString, hugeString) }).map(({ a, s }) => {
      // Hostile text where the type holds text: the argument itself, or a field of its input.
      const input = getNullableType(a.type)
      const value = isInputObjectType(input)
        ? { ...(vars[a.name] as object), ...Object.fromEntries(Object.keys(input.getFields()).slice(0, 1).map((k) => [k, s])) }
        : s
      return { body: { query, variables: { ...vars, [a.name]: value } }, defect: `$${a.name} with hostile text (${s.length} chars)` }
    }),
    fc.record({ a: arg, key: unknownKey, deep: fc.oneof(wrongValue, deepValue) }).map(({ a, key, deep }) => ({
      body: { query, variables: { ...vars, [a.name]: isInputObjectType(getNullableType(a.type)) ? { ...(vars[a.name] as object), [key]: deep } : deep } },
      defect: `$${a.name} with an unknown field or deep value`
    })),
    fc.record({ a: arg, s: nastyString }).map(({ a, s }) => ({
      body: { query: document(f, { arg: a.name, literal: literal(s) }), variables: Object.fromEntries(Object.entries(vars).filter(([k]) => k !== a.name)) },
      defect: `inline literal ${a.name}: ${literal(s)}`
    }))
  ]
}

function requestDefects (f: RootField): Array<fc.Arbitrary<Call>> {
  const query = document(f)
  const variables = Object.fromEntries(f.field.args.map((a) => [a.name, sample(a.type)]))
  return [
    wrongValue.map((q) => ({ body: { query: q, variables }, defect: `query = ${JSON.stringify(q)?.slice(0, 80)}` })),
    fc.constantFrom([query], [{ query }], { variables }, {}, { query: JSON.stringify({ kind: 'Document', definitions: [] }) }, { query: '123' }, { query: 'true' })
      .map((body) => ({ body: body as Record<string, unknown>, defect: `body ${JSON.stringify(body).slice(0, 80)}` })),
    fc.oneof(fc.string({ maxLength: 10 }), wrongValue).map((v) => ({ body: { query, variables: v }, defect: `variables = ${JSON.stringify(v)?.slice(0, 80)}` })),
    fc.oneof(fc.constantFrom('Nope', '', 'Fuzz '), nastyString, wrongValue).map((name) => ({ body: { query, variables, operationName: name }, defect: `operationName = ${JSON.stringify(name)?.slice(0, 80)}` })),
    fc.record({ key: unknownKey, value: wrongValue }).map(({ key, value }) => ({ body: { query, variables, [key]: value }, defect: `unknown request member ${JSON.stringify(key).slice(0, 40)}` })),
    fc.oneof(
      fc.nat().map((n) => query.slice(0, n % query.length)),
      fc.string({ maxLength: 40 }),
      nastyString.map((s) => `${query} ${s}`),
      fc.integer({ min: 2, max: 400 }).map((n) => `{ ${'viewer { organization { '.repeat(n)}`),
      fc.integer({ min: 16, max: 60 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`),
      fc.constantFrom('{ viewer { kind } } { viewer { kind } }', 'query A { viewer { kind } } query B { viewer { kind } }', 'fragment F on Viewer { kind }', '{ viewer { ...F } } fragment F on Viewer { ...F }', '{ __schema { types { name } } }', '{ brands(first: -1) { edges { node { id } } } }', '{ brands(first: 100000) { edges { node { id } } } }', '{ brands(first: "x") { edges { node { id } } } }', '{ brands(after: "not-a-cursor") { edges { node { id } } } }')
    ).map((q) => ({ body: { query: q }, defect: `document ${JSON.stringify(q.slice(0, 80))}` })),
    fc.constant({ body: { query, variables }, defect: `${f.kind} over GET`, get: true })
  ]
}

/** One malformed GraphQL request, with a valid access token. */
export function malformedGraphql (fields: RootField[], token: string): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...fields).chain((f) => fc.oneof(...variableDefects(f), ...requestDefects(f))).chain((call) => fc.boolean().map((get) => ({ call, get: call.get || get }))).map(({ call, get }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` }
    const { query, variables, operationName, ...rest } = call.body
    // GET carries the request in the query string (variables as JSON text); only plain values fit there.
    if (get && Object.keys(rest).length === 0 && !Array.isArray(call.body)) {
      const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')
      const params = [
        ['query', text(query)],
        ...(variables !== undefined ? [['variables', text(variables)]] : []),
        ...(operationName !== undefined ? [['operationName', text(operationName)]] : [])
      ]
      return { method: 'GET', url: `/graphql?${params.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`, headers: { ...headers, 'mercurius-require-preflight': 'true' }, defect: `GET ${call.defect}` }
    }
    return { method: 'POST', url: '/graphql', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(call.body), defect: call.defect }
  })
}
