import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { serializerFor } from './serialize.js'
import { z } from 'zod'
import { etagOf, parseIfMatch } from './etag.js'
import type { FieldError } from './errors.js'

// Small shared pieces of the REST face: id params, page envelopes, ETags.

export const IdParams = z.strictObject({ id: z.uuid() })

/** A list's body; `totalCount` only when asked for (`include=totalCount`). */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable(), totalCount: z.number().int().optional() })

export const ifMatch = (req: FastifyRequest) => parseIfMatch(req.headers['if-match'])

/** Sets ETag; true when a GET's If-None-Match already has this version (answer 304). */
export function withEtag (req: FastifyRequest, reply: { header: (k: string, v: string) => unknown }, version: number): boolean {
  const tag = etagOf(version)
  reply.header('etag', tag)
  const inm = req.headers['if-none-match']
  return req.method === 'GET' && !!inm && inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(tag)
}

/** A representation the client already has: 304 with no body. */
export function notModified (reply: unknown) {
  return (reply as FastifyReply).code(304).send()
}

/** "00".."99" and "000".."999": the pieces of a timestamp's time, made once. */
const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'))
const PAD3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'))
/** "YYYY-MM-DDT" by day number: the timestamps of one reply fall on few days. Bounded. */
const DAY_PREFIX = new Map<number, string>()

function dayPrefix (days: number): string {
  let prefix = DAY_PREFIX.get(days)
  if (prefix !== undefined) return prefix
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  prefix = `${year}-${PAD2[month]}-${PAD2[day]}T`
  if (DAY_PREFIX.size >= 4096) DAY_PREFIX.clear()
  DAY_PREFIX.set(days, prefix)
  return prefix
}

/**
 * Date.prototype.toISOString, computed: V8's own took ~0.7 µs a call, 8–10 % of the CPU of a
 * reply with a few thousand timestamps (a nested GraphQL page); this takes a fraction of that
 * and allocates only the result (the date part is cached per day, the time's digits come from
 * tables). Days to a civil date by Howard Hinnant's days_from_civil inverse; years 1970–9999
 * (anything else, and invalid dates, go to toISOString). test/unit/iso.test.ts compares both.
 */
export function isoString (d: Date): string {
  const t = d.getTime()
  if (!(t >= 0 && t < 253402300800000)) return d.toISOString()
  const days = Math.floor(t / 86400000)
  let ms = t - days * 86400000
  const h = Math.floor(ms / 3600000)
  ms -= h * 3600000
  const mi = Math.floor(ms / 60000)
  ms -= mi * 60000
  const s = Math.floor(ms / 1000)
  ms -= s * 1000
  return dayPrefix(days) + PAD2[h] + ':' + PAD2[mi] + ':' + PAD2[s] + '.' + PAD3[ms] + 'Z'
}

export const iso = (d: Date | null | undefined) => (d ? isoString(d) : null)

/** Zod issues as field errors (`targets/1/body`); each unknown field is named by its own path. */
export function fieldErrorsOf (error: z.ZodError): FieldError[] {
  return error.issues.flatMap((i) => {
    const base = i.path.map(String).join('/')
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: base ? `${base}/${k}` : k, message: 'unknown field' }))
    return [{ path: base || '(body)', message: i.message }]
  })
}

/** Strings that a person typed: trimmed, never empty, bounded. */
export const text = (max: number) => z.string().trim().min(1).max(max)

/**
 * REST routes validate with zod and serialize with a serializer compiled from the zod reply
 * schema (src/lib/serialize.ts: unknown fields never leave). Set per routes plugin, so
 * GraphQL's and the docs' JSON-schema routes keep Fastify's defaults.
 */
export function useZod (app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler)
  // Compiled on a route's first reply, not at start-up: compiling every route's serializer
  // took ~0.5 s of the start and memory for routes an instance may never answer; the first
  // reply of each route pays its few milliseconds instead.
  app.setSerializerCompiler(({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined
    return (data: unknown) => (serialize ??= serializerFor(schema as z.ZodType))(data)
  })
}
