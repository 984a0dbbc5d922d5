import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql'
import type { FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../db/client.js'
import { AppError } from '../lib/errors.js'
import type { Ctx } from '../lib/context.js'
import { databaseUnavailable } from './errors.js'
import { checkTokenLimit, LIMITS, limitRules } from '../graphql/limits.js'

export const schemaPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema.graphql')

export interface GraphqlOptions { introspection: boolean, graphiql: boolean }

export interface GraphqlContext { ctx: Ctx, request: FastifyRequest }

declare module 'mercurius' {
  interface MercuriusContext extends GraphqlContext {}
}

function codeOf (err: GraphQLError): { code: string, message: string, extra?: Record<string, unknown> } {
  const original = err.originalError
  if (original instanceof AppError) {
    // The same members as the REST problem (allowed, currentStatus, blackout, missingScope…).
    return { code: original.code, message: original.message, extra: { ...(original.extra ?? {}), ...(original.errors ? { errors: original.errors } : {}) } }
  }
  // Set by the limit rules themselves (src/graphql/limits.ts).
  if (err.extensions?.code === 'HERALD_QUERY_LIMIT') return { code: 'HERALD_QUERY_LIMIT', message: err.message }
  // Mercurius reports parse/validation/CSRF refusals as its own 4xx errors: the caller's mistake.
  const mer = original as { code?: string, statusCode?: number } | undefined
  if (mer?.code?.startsWith('MER_ERR_') && (mer.statusCode ?? 400) < 500) return { code: 'HERALD_VALIDATION', message: err.message }
  // The database went away mid-operation: not a bug, the client may retry (as REST's 503).
  if (isDatabaseUnavailable(original)) return { code: 'HERALD_UNAVAILABLE', message: 'The database is unavailable; retry shortly.' }
  // Anything a resolver threw that is not ours is a bug: masked here, logged in full.
  if (original && !(original instanceof GraphQLError)) return { code: 'HERALD_INTERNAL', message: 'Internal error' }
  return { code: 'HERALD_VALIDATION', message: err.message }
}

// GraphQL at /graphql, from schema.graphql served as written. Modules add their resolvers with
// app.graphql.defineResolvers. Every operation runs in the request's tenant transaction.
export default fp<GraphqlOptions>(async (app, opts) => {
  app.addHook('onRoute', (route) => {
    if (route.url === '/graphql') route.config = { ...(route.config ?? {}), auth: 'actor' }
    if (route.url.startsWith('/graphiql')) route.config = { ...(route.config ?? {}), auth: 'public', rateLimit: false } as any
  })

  await app.register(mercurius, {
    schema: readFileSync(schemaPath, 'utf8'),
    graphiql: opts.graphiql,
    allowBatchedQueries: false,
    csrfPrevention: true,
    jit: 0,
    validationRules: opts.introspection ? limitRules : [...limitRules, NoSchemaIntrospectionCustomRule],
    graphql: { parseOptions: { maxTokens: LIMITS.tokens } },
    // Lazy: mercurius also builds a context to format a refusal that came before the request
    // had a transaction (a body it could not parse), when there is no ctx to give.
    context: (request) => ({ get ctx () { return request.ctx() }, request }),
    errorFormatter: (execution, context: any) => {
      const request: FastifyRequest | undefined = context?.request ?? context?.reply?.request
      if (request) request.rollbackOnly = true
      // Mercurius wraps parse and validation failures in one error that lists the real ones.
      const flat = (execution.errors ?? []).flatMap((e) => {
        const o = e.originalError as { code?: string, errors?: unknown } | undefined
        return o?.code?.startsWith('MER_ERR_') && Array.isArray(o.errors) && o.errors.length ? o.errors as GraphQLError[] : [e]
      })
      const errors = flat.map((e) => {
        const { code, message, extra } = codeOf(e)
        if (code === 'HERALD_INTERNAL') request?.log.error({ err: e.originalError ?? e }, 'graphql resolver failed')
        return { message, locations: e.locations, path: e.path, extensions: { code, requestId: request?.id, ...(extra ?? {}) } }
      })
      // Refused before execution: the refusal's own status (401, 413, 429…) or 400 for parse,
      // validation and limits; executed, even with errors: 200.
      // (The database unreachable before execution is a 503 with Retry-After, as in REST.)
      const refusal = flat.map((e) => e.originalError)
        .map((o) => o instanceof AppError ? o : isDatabaseUnavailable(o) ? databaseUnavailable() : undefined)
        .find((o): o is AppError => o !== undefined)
      const statusCode = execution.data === undefined ? (refusal?.status ?? 400) : 200
      if (execution.data === undefined && refusal?.headers) context?.reply?.headers(refusal.headers)
      return { statusCode, response: { data: execution.data ?? null, errors } }
    }
  })
  // Before parsing, so an oversized document is refused with our code (see checkTokenLimit).
  app.graphql.addHook('preParsing', async (_schema, source) => { checkTokenLimit(source) })
}, { name: 'graphql', dependencies: ['auth'] })
