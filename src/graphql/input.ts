import type { z } from 'zod'
import { parseArgs } from './connection.js'

// GraphQL has no "absent" inside an input object a client builds from variables: many clients
// send every optional field, as null when unset. REST's zod schemas distinguish the two (null
// clears a clearable field; absent leaves it alone). The schema itself says which fields may
// be cleared (those that accept null), so an explicit null is kept for them and dropped
// (treated as absent) everywhere else, recursively through nested objects and lists.

interface Def { type: string, innerType?: z.ZodType, shape?: Record<string, z.ZodType>, element?: z.ZodType, in?: z.ZodType }
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def

/** The schema under optional/nullable/default wrappers and pipes (what a value's shape is). */
function core (schema: z.ZodType): z.ZodType {
  let s = schema
  for (;;) {
    const def = defOf(s)
    if (def.innerType) s = def.innerType
    else if (def.type === 'pipe' && def.in) s = def.in
    else return s
  }
}

/** The input with nulls the schema does not accept removed (see above). */
export function normalizeInput (schema: z.ZodType, value: unknown): unknown {
  if (value === null || value === undefined) return value
  const def = defOf(core(schema))
  if (def.type === 'array' && def.element && Array.isArray(value)) return value.map((v) => normalizeInput(def.element!, v))
  if (def.type === 'object' && def.shape && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      const field = def.shape[key]
      // An unknown field is kept, so that strict parsing names it.
      if (!field) out[key] = v
      else if (v === null && !field.safeParse(null).success) continue
      else out[key] = normalizeInput(field, v)
    }
    return out
  }
  return value
}

/**
 * A GraphQL input object validated with the REST schema for the same input; an input object
 * that is optional in the GraphQL schema and not given is an empty one, as an absent body is.
 */
export function parseInput<S extends z.ZodType> (schema: S, value: unknown): z.infer<S> {
  const given = value ?? (defOf(core(schema)).type === 'object' ? {} : value)
  return parseArgs(schema, normalizeInput(schema, given))
}
