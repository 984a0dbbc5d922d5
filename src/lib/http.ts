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

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

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
