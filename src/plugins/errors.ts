import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { isDatabaseUnavailable } from '../db/client.js'
import { TransactionEndedError } from '../db/tx.js'
import { AppError, ERROR_CODES, problemType, type ErrorCode, type FieldError } from '../lib/errors.js'

// Every error leaves as RFC 9457 problem+json with a stable `code`; /graphql answers in the
// GraphQL response shape instead so GraphQL clients can always parse the reply. 5xx are
// masked: the client gets the request id, the log gets the error.

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'HERALD_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'HERALD_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'HERALD_VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'HERALD_VALIDATION',
  FST_ERR_CTP_INVALID_JSON_BODY: 'HERALD_VALIDATION',
  FST_JWT_AUTHORIZATION_TOKEN_EXPIRED: 'HERALD_TOKEN_EXPIRED',
  FST_ERR_NOT_FOUND: 'HERALD_NOT_FOUND'
}

/** Seconds a client is asked to wait when the database is unreachable (it recovers on its own). */
export const UNAVAILABLE_RETRY_AFTER = '1'

export const databaseUnavailable = () => new AppError('HERALD_UNAVAILABLE', 'The database is unavailable or out of connections; retry shortly.', {
  headers: { 'retry-after': UNAVAILABLE_RETRY_AFTER }
})

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'HERALD_VALIDATION',
  401: 'HERALD_UNAUTHENTICATED',
  403: 'HERALD_FORBIDDEN',
  404: 'HERALD_NOT_FOUND',
  405: 'HERALD_METHOD_NOT_ALLOWED',
  409: 'HERALD_CONFLICT',
  412: 'HERALD_PRECONDITION_FAILED',
  413: 'HERALD_PAYLOAD_TOO_LARGE',
  415: 'HERALD_UNSUPPORTED_MEDIA_TYPE',
  422: 'HERALD_UNPROCESSABLE',
  429: 'HERALD_RATE_LIMITED',
  503: 'HERALD_UNAVAILABLE'
}

function fieldErrors (err: FastifyError): FieldError[] {
  const where = err.validationContext
  return (err.validation ?? []).map((v) => {
    const params = v.params as { keys?: string[], missingProperty?: string } | undefined
    // An unknown field is named by its own path, as if it were a field that failed.
    const inner = [v.instancePath.replace(/^\//, ''), params?.keys?.join(',')].filter(Boolean).join('/')
    // Body paths read like "targets/1/body"; query and path parameters name the parameter.
    const path = where === 'body' ? inner : inner || String(params?.missingProperty ?? where)
    return { path: path || '(body)', message: v.message ?? 'invalid' }
  })
}

export function toAppError (err: unknown): AppError {
  if (err instanceof AppError) return err
  const e = err as FastifyError & { statusCode?: number }
  if (hasZodFastifySchemaValidationErrors(e)) {
    const errors = fieldErrors(e)
    const where = e.validationContext === 'querystring' ? 'query parameter' : e.validationContext === 'params' ? 'path parameter' : 'body field'
    const detail = errors.map((x) => `${where} ${x.path}: ${x.message}`).join('; ')
    return new AppError('HERALD_VALIDATION', detail, { errors })
  }
  if (e?.code && FASTIFY_CODES[e.code]) {
    const code = FASTIFY_CODES[e.code]
    return new AppError(code, code === 'HERALD_VALIDATION' ? `The request body is not valid JSON: ${e.message}` : e.message)
  }
  if (e?.code?.startsWith('FST_JWT') || e?.code?.startsWith('FAST_JWT')) {
    return new AppError('HERALD_UNAUTHENTICATED', 'The access token is missing, malformed or not valid.')
  }
  const status = e?.statusCode
  if (status && status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'HERALD_VALIDATION'
    const headers: Record<string, string> = {}
    return new AppError(code, e.message || ERROR_CODES[code].title, { headers })
  }
  if (status === 503) return new AppError('HERALD_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly.', { headers: { 'retry-after': UNAVAILABLE_RETRY_AFTER } })
  // The database down, restarting or out of connections: the client may retry, nothing is wrong
  // with its request (and a 500 would page someone for an outage that is already known).
  if (isDatabaseUnavailable(err)) return databaseUnavailable()
  return new AppError('HERALD_INTERNAL', 'An internal error occurred. Quote the requestId when reporting it.')
}

export function problemBody (err: AppError, requestId: string): Record<string, unknown> {
  return {
    type: problemType(err.code),
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    requestId,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(err.extra ?? {})
  }
}

export function isGraphqlRequest (req: FastifyRequest): boolean {
  return req.routeOptions?.url === '/graphql'
}

export function sendError (err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const appErr = toAppError(err)
  if (reply.raw.destroyed && (err instanceof TransactionEndedError || (err as Error)?.cause instanceof TransactionEndedError)) {
    // Not a fault: the client left mid-request, so its transaction was rolled back under it.
    req.log.info('client disconnected mid-request; its transaction was rolled back')
  } else if (appErr.code === 'HERALD_UNAVAILABLE') {
    req.log.warn({ err: (err as Error)?.message }, 'request answered 503: the database is unavailable')
  } else if (appErr.status >= 500) {
    req.log.error({ err }, 'request failed')
  } else {
    req.log.info({ code: appErr.code, status: appErr.status }, 'request refused')
  }
  if (appErr.headers) reply.headers(appErr.headers)
  reply.code(appErr.status)
  if (isGraphqlRequest(req)) {
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({
      data: null,
      errors: [{ message: appErr.message, extensions: { code: appErr.code, requestId: req.id } }]
    }))
  }
  return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(problemBody(appErr, req.id)))
}

export default fp(async (app) => {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply))
  app.setNotFoundHandler((req, reply) =>
    sendError(new AppError('HERALD_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`), req, reply))
}, { name: 'errors' })
