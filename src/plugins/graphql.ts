import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius from 'mercurius'
import { getOperationAST, getVariableValues, GraphQLError, Kind, NoSchemaIntrospectionCustomRule, parse, visit, type ASTNode, type DocumentNode } from 'graphql'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError, clip, shownErrors, type FieldError } from '../lib/errors.js'
import { fieldErrorsOf } from '../lib/http.js'
import { textFault, textFaults } from '../lib/text-input.js'
import { clientLeft, describeErrors, toAppError } from './errors.js'
import type { Ctx } from '../lib/context.js'
import { checkTokenLimit, LIMITS, limitRules } from '../graphql/limits.js'
import { ScalarError, scalarErrorPath, scalarResolvers } from '../graphql/scalars.js'
import { createNodeRegistry, NODE_TYPE, type NodeRegistry } from '../graphql/node.js'
import graphiql from './graphiql.js'
import { loaderResolvers, type LoaderMap } from '../graphql/loaders.js'
import { heraldMetrics } from './metrics.js'
import { projectFile } from '../lib/project-files.js'

export const schemaPath = projectFile('schema.graphql')

export interface GraphqlOptions { introspection: boolean, graphiql: boolean }

export interface GraphqlContext { ctx: Ctx, request: FastifyRequest }

declare module 'mercurius' {
  interface MercuriusContext extends GraphqlContext {}
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Node types for Query.node (src/graphql/node.ts): modules define theirs. */
    nodes: NodeRegistry
  }
}

/** The Herald error a GraphQL error stands for: its code, status, message and extra members. */
function appErrorOf (err: GraphQLError): AppError {
  const original = err.originalError
  if (original instanceof AppError) return original
  // Set by the limit rules themselves (src/graphql/limits.ts).
  if (err.extensions?.code === 'HERALD_QUERY_LIMIT') return new AppError('HERALD_QUERY_LIMIT', err.message)
  // A DateTime/Date value the scalar refused (src/graphql/scalars.ts): named like REST's errors.
  if (err.extensions?.scalar) {
    let inner: Error | undefined = original
    while (inner && !(inner instanceof ScalarError)) inner = (inner as GraphQLError).originalError ?? undefined
    const path = scalarErrorPath(err)
    return new AppError('HERALD_VALIDATION', err.message, path ? { errors: [{ path, message: inner?.message ?? err.message }] } : {})
  }
  // Mercurius reports parse/validation/CSRF refusals as its own 4xx errors: the caller's mistake.
  const mer = original as { code?: string, statusCode?: number } | undefined
  if (mer?.code?.startsWith('MER_ERR_') && (mer.statusCode ?? 400) < 500) return new AppError('HERALD_VALIDATION', err.message)
  // Refusals of the HTTP layer before GraphQL ran (a body over 1 MiB, not JSON…) keep their
  // code and status; anything else a resolver threw that is not ours is a bug (masked, logged).
  if (original && !(original instanceof GraphQLError)) return toAppError(original)
  return new AppError('HERALD_VALIDATION', err.message)
}

/** The members a GraphQL error carries beside `code`: the REST problem's extras and its (capped) errors. */
const extrasOf = (e: AppError) => ({ ...(e.extra ?? {}), ...(e.errors ? shownErrors(e.errors) : {}) })

const invalid = (errors: FieldError[]) => new AppError('HERALD_VALIDATION', describeErrors('', errors), { errors })

// The request itself, checked before fastify's own validation of mercurius's schema, which
// coerces (`{"query":["…"]}` would run the query inside the array, `{"query":123}` would run
// "123"). The contract's GraphQLRequest: a document, optional variables, name and extensions.
const GraphqlPost = z.strictObject({
  query: z.string({ error: 'must be a string holding a GraphQL document' }),
  variables: z.record(z.string(), z.unknown(), { error: 'must be an object of variable values (or null)' }).nullish(),
  operationName: z.string({ error: 'must be a string (or null)' }).max(1024).nullish(),
  extensions: z.record(z.string(), z.unknown(), { error: 'must be an object' }).nullish()
}, { error: 'must be a JSON object {query, variables?, operationName?}; batches are not accepted' })
const GraphqlGet = z.object({
  query: z.string({ error: 'must be given once, holding a GraphQL document' }),
  variables: z.string({ error: 'must be given at most once, as a JSON object' }).optional(),
  operationName: z.string({ error: 'must be given at most once' }).max(1024).optional(),
  extensions: z.string({ error: 'must be given at most once, as a JSON object' }).optional()
})

function checkRequest (req: FastifyRequest): void {
  if (req.method !== 'GET') {
    const parsed = GraphqlPost.safeParse(req.body)
    if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error))
    return
  }
  const parsed = GraphqlGet.safeParse(req.query)
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error))
  // Variables and extensions travel as JSON text; mercurius would pass on whatever it parses to.
  for (const name of ['variables', 'extensions'] as const) {
    const text = parsed.data[name]
    if (text === undefined) continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw invalid([{ path: name, message: 'is not valid JSON' }])
    }
    if (value !== null && (typeof value !== 'object' || Array.isArray(value))) throw invalid([{ path: name, message: 'must be a JSON object' }])
  }
  // Mercurius picks the operation of a GET itself (to refuse mutations) and fails on a name
  // the document does not have, or on several operations and no name. Checked here, on a
  // document that parses; a syntax error is left for GraphQL to report with its position.
  const { query, operationName } = parsed.data
  let document: DocumentNode
  try {
    document = parse(query, { maxTokens: LIMITS.tokens })
  } catch {
    return
  }
  if (!getOperationAST(document, operationName)) {
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length
    throw invalid([{
      path: operationName ? 'operationName' : 'query',
      message: operationName ? `the document has no operation named "${operationName}"` : operations ? 'the document has several operations: name the one to run in operationName' : 'the document has no operation to run'
    }])
  }
}

/**
 * Mercurius runs a `query` that does not parse as GraphQL but does as JSON as if it were an
 * already-parsed document (`"123"`, `{"kind":…}`), which graphql-js then trips over. No
 * executable GraphQL document is valid JSON, so such a query is refused as what it is.
 */
function refuseJsonDocument (source: string): void {
  try {
    JSON.parse(source)
  } catch {
    return
  }
  throw invalid([{ path: 'query', message: 'is not a GraphQL document' }])
}

/** NUL characters in string literals of the document (`"a\u0000b"`), named by where they are. */
function literalFaults (document: DocumentNode): FieldError[] {
  const errors: FieldError[] = []
  visit(document, {
    StringValue (node, _key, parent, _path, ancestors) {
      const fault = textFault(node.value)
      if (!fault) return
      const names = [...ancestors, parent].filter(Boolean).flatMap((a) => {
        const n = a as ASTNode
        if (n.kind === Kind.FIELD) return [n.alias?.value ?? n.name.value]
        if (n.kind === Kind.ARGUMENT || n.kind === Kind.OBJECT_FIELD) return [n.name.value]
        if (n.kind === Kind.VARIABLE_DEFINITION) return [`$${n.variable.name.value}`]
        return []
      })
      const at = node.loc ? ` (line ${node.loc.startToken.line}, column ${node.loc.startToken.column})` : ''
      errors.push({ path: names.join('/') || 'query', message: `${fault}${at}` })
    }
  })
  return errors
}

// GraphQL at /graphql, from schema.graphql served as written. Modules add their resolvers with
// app.graphql.defineResolvers. Every operation runs in the request's tenant transaction.
export default fp<GraphqlOptions>(async (app, opts) => {
  app.addHook('onRoute', (route) => {
    if (route.url === '/graphql') {
      route.config = { ...(route.config ?? {}), auth: 'actor' }
      const own = route.preValidation ? [route.preValidation].flat() : []
      route.preValidation = [...own, async (req: FastifyRequest) => { checkRequest(req) }]
    }
    if (route.url.startsWith('/graphiql')) route.config = { ...(route.config ?? {}), auth: 'public', rateLimit: false } as any
  })

  const sdl = readFileSync(schemaPath, 'utf8')
  // The schema as written, for tools that cannot introspect (introspection is off in
  // production): public documentation, as /openapi.yaml is.
  app.get('/schema.graphql', { config: { auth: 'public', rateLimit: false } as any }, async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=300').send(sdl))

  await app.register(mercurius, {
    schema: sdl,
    // DateTime and Date (src/graphql/scalars.ts): ISO-8601 text in and out.
    resolvers: scalarResolvers as any,
    // Ours (./graphiql.ts): mercurius' GraphiQL loads its scripts from a CDN.
    graphiql: false,
    allowBatchedQueries: false,
    csrfPrevention: true,
    // graphql-jit compiles each query the first time it runs (kept in mercurius' LRU of 1,024
    // queries): graphql-js' generic executor was 13 % of a 200-item nested query's CPU. Its own
    // variable coercion would replace a scalar's message by "Expected type DateTime.", so
    // variables are coerced by graphql-js first (preExecution below).
    jit: 1,
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
      const refusals = flat.map(appErrorOf)
      // A client that left mid-query fails every resolver still waiting for the database
      // (hundreds in a nested query): one line for the request, as REST logs it, not one each.
      const left = flat.filter((e) => clientLeft(e.originalError, context?.reply)).length
      if (left > 0) request?.log.info({ resolvers: left }, 'client disconnected mid-request; its transaction was rolled back')
      const errors = flat.map((e, i) => {
        const { code, message } = refusals[i]
        if (code === 'HERALD_INTERNAL' && !clientLeft(e.originalError, context?.reply)) request?.log.error({ err: e.originalError ?? e }, 'graphql resolver failed')
        // Clipped: graphql-js quotes the offending value, which may be as long as the body.
        return { message: clip(message, 2000), locations: e.locations, path: e.path, extensions: { code, requestId: request?.id, ...extrasOf(refusals[i]) } }
      })
      // Refused before execution: the refusal's own status (401, 413, 429…) or 400 for parse,
      // validation and limits; executed, even with errors: 200.
      if (errors.some((e) => e.extensions.code === 'HERALD_QUERY_LIMIT')) heraldMetrics.graphqlLimitRefusals.inc()
      // An operation that produced nothing because the database could not be reached (its
      // connection opens at its first statement, inside a resolver) is a 503, as before execution.
      const unavailable = execution.data === null && refusals.length > 0 && refusals.every((r) => r.code === 'HERALD_UNAVAILABLE')
      const statusCode = execution.data === undefined ? (refusals[0]?.status ?? 400) : unavailable ? 503 : 200
      // Its headers too (Retry-After of a 503 when the database could not be reached).
      if (statusCode !== 200 && refusals[0]?.headers) context?.reply?.headers(refusals[0].headers)
      return { statusCode, response: { data: execution.data ?? null, errors } }
    }
  })
  // Modules' loaders become batched resolvers of our own (src/graphql/loaders.ts), not
  // mercurius' cached ones.
  app.graphql.defineLoaders = (loaders) => { app.graphql.defineResolvers(loaderResolvers(loaders as unknown as LoaderMap) as any) }
  const nodes = createNodeRegistry()
  app.decorate('nodes', nodes)
  app.graphql.defineResolvers({
    Query: { node: async (_root: unknown, args: { id: unknown }, { ctx }: GraphqlContext) => await nodes.resolve(ctx, args.id) },
    Node: { resolveType: (obj: Record<symbol, string>) => obj[NODE_TYPE] }
  } as any)
  // Before parsing, so an oversized document is refused with our code (see checkTokenLimit).
  app.graphql.addHook('preParsing', async (_schema, source) => {
    checkTokenLimit(source)
    refuseJsonDocument(source)
  })
  // Text PostgreSQL cannot store, where the central check (src/plugins/input.ts) cannot see it:
  // string literals of the document, and variables sent as JSON text in a GET.
  app.graphql.addHook('preValidation', async (_schema, document) => {
    const errors = literalFaults(document)
    if (errors.length) throw invalid(errors)
  })
  app.graphql.addHook('preExecution', async (schema, document, context, variables) => {
    const errors = textFaults(variables ?? {}, 'variables')
    if (errors.length) throw invalid(errors)
    const request = (context as GraphqlContext).request
    const given = (request.method === 'GET' ? request.query : request.body) as { operationName?: string | null } | undefined
    const operation = getOperationAST(document, given?.operationName ?? undefined)
    // Variables are coerced here by graphql-js itself, as the executor would without JIT: a
    // scalar's own message ("DateTime must be ISO-8601 with an offset…") reaches the caller
    // instead of graphql-jit's generic "Expected type DateTime.".
    if (operation?.variableDefinitions?.length) {
      const coerced = getVariableValues(schema, operation.variableDefinitions, variables ?? {}, { maxErrors: 50 })
      if (coerced.errors) throw coerced.errors[0]
    }
    // A query (not a mutation) only reads: its unit of work runs in autocommit, as a GET's.
    if (operation?.operation === 'query') request.tx?.readOnly()
  })
  if (opts.graphiql) await app.register(graphiql)
}, { name: 'graphql', dependencies: ['auth'] })
