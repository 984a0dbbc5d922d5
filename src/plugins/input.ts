import fp from 'fastify-plugin'
import sjson from 'secure-json-parse'
import { AppError, type FieldError } from '../lib/errors.js'
import { textFaults } from '../lib/text-input.js'
import { describeErrors } from './errors.js'

// The central input check, for every route including those added later: what a client sends
// is refused with 400 HERALD_VALIDATION naming the field when no schema could be trusted to
// catch it (NUL characters and lone surrogates, which PostgreSQL cannot store; nesting past
// MAX_DEPTH; prototype keys), in every place it can hide: the JSON body (fields and field
// names, whatever their schema), the query string and the path parameters; and a /v1
// operation that takes no query parameters refuses any. It runs in preValidation, once the
// body has arrived and before the request's transaction opens, so such a request costs no
// database work. GraphQL variables sent in a GET and inline literals are checked in
// src/plugins/graphql.ts; a route that parses raw text itself (the CSV import) says
// `config: { ownTextCheck: true }` and names the CSV line and column itself.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route parses its raw text body itself and refuses bad text there, naming where. */
    ownTextCheck?: boolean
  }
}

const PROTO = 'forbidden prototype property'

export default fp(async (app) => {
  // JSON bodies: fastify's parser, with messages that say what is wrong. secure-json-parse
  // (fastify's own) refuses `__proto__` and `constructor.prototype` keys: prototype pollution.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string
    // An empty body is no body (clients send the header on a DELETE too): a route that needs
    // one says so, naming "(body)", like for a request with no body at all.
    if (text.length === 0) {
      done(null, undefined)
      return
    }
    try {
      done(null, sjson.parse(text, { protoAction: 'error', constructorAction: 'error' }))
    } catch (err) {
      const message = String((err as Error)?.message ?? 'malformed')
      done(message.includes(PROTO)
        ? new AppError('HERALD_VALIDATION', 'The body has a "__proto__" or "constructor.prototype" key, which is refused; no field of the API has that name.', { errors: [{ path: '(body)', message: 'forbidden key __proto__ or constructor.prototype' }] })
        : new AppError('HERALD_VALIDATION', `The body is not valid JSON: ${message}`, { errors: [{ path: '(body)', message: 'not valid JSON' }] }), undefined)
    }
  })

  app.addHook('preValidation', async (req) => {
    const errors: FieldError[] = []
    const wheres: string[] = []
    const add = (where: string, found: FieldError[]) => {
      if (found.length) wheres.push(where)
      errors.push(...found)
    }
    // Parameters are named by their own name (and names are checked too); body fields by their path.
    add('path parameter', textFaults(req.params ?? {}))
    add('query parameter', textFaults(req.query ?? {}))
    // A /v1 operation without query parameters refuses them, like the others refuse unknown ones:
    // a `?force=true` it silently ignored would let a client believe it had been applied.
    const route = req.routeOptions
    if (route.url?.startsWith('/v1/') && !route.schema?.querystring) {
      add('query parameter', Object.keys(req.query ?? {}).map((name) => ({ path: name, message: 'unknown field' })))
    }
    if (typeof req.body !== 'string' || !req.routeOptions.config?.ownTextCheck) add('body field', textFaults(req.body))
    if (errors.length) throw new AppError('HERALD_VALIDATION', describeErrors(wheres.length === 1 ? wheres[0] : '', errors), { errors })
  })
}, { name: 'input', dependencies: ['errors'] })
