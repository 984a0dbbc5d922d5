import fastJson from 'fast-json-stringify'
import { z } from 'zod'

// REST replies are written by serializers compiled once per route from the route's zod reply
// schema (zod -> JSON Schema -> fast-json-stringify), instead of parsing every reply through
// zod at run time: the same shape (unknown members never leave), several times faster. Only
// what shapes the output is kept; what only validates (formats, patterns, bounds, required) is
// dropped, since replies are built by the services, and the contract tests check them.

type Json = Record<string, any>

const VALIDATION_ONLY = new Set(['$schema', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'uniqueItems', 'required', 'enum', 'const', 'propertyNames', 'description', 'default', 'examples'])

function shape (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shape)
  if (!schema || typeof schema !== 'object') return schema
  const s = schema as Json
  // T | null, as zod writes it, is a nullable T for the serializer.
  if (Array.isArray(s.anyOf) && s.anyOf.length === 2) {
    const nullAt = s.anyOf.findIndex((b: Json) => b.type === 'null')
    if (nullAt >= 0) {
      const other = shape(s.anyOf[1 - nullAt]) as Json
      if (typeof other.type === 'string') return { ...other, type: [other.type, 'null'] }
    }
  }
  const out: Json = {}
  for (const [k, v] of Object.entries(s)) {
    if (VALIDATION_ONLY.has(k)) continue
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, shape(ps)]))
    else out[k] = shape(v)
  }
  // Free-form objects (records of unknown values) keep whatever they hold.
  if (out.type === 'object' && !out.properties && out.additionalProperties === undefined) out.additionalProperties = true
  if (out.type === 'object' && out.additionalProperties && typeof out.additionalProperties === 'object' && Object.keys(out.additionalProperties).length === 0) out.additionalProperties = true
  return out
}

/** The serializer Fastify uses for a route's reply, from its zod schema. */
export function serializerFor (schema: z.ZodType): (data: unknown) => string {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })
  return fastJson(shape(json) as Parameters<typeof fastJson>[0]) as (data: unknown) => string
}
