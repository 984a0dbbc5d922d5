import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import { maxHeaderSize, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { isDatabaseUnavailable } from '../db/client.js'
import { TransactionEndedError } from '../db/tx.js'
import { AppError, clip, ERROR_CODES, problemType, shownErrors, type ErrorCode, type FieldError } from '../lib/errors.js'

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
  FST_ERR_NOT_FOUND: 'HERALD_NOT_FOUND',
  FST_ERR_BAD_URL: 'HERALD_VALIDATION',
  FST_ERR_MAX_PARAM_LENGTH: 'HERALD_URI_TOO_LONG'
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
  408: 'HERALD_REQUEST_TIMEOUT',
  409: 'HERALD_CONFLICT',
  412: 'HERALD_PRECONDITION_FAILED',
  413: 'HERALD_PAYLOAD_TOO_LARGE',
  414: 'HERALD_URI_TOO_LONG',
  415: 'HERALD_UNSUPPORTED_MEDIA_TYPE',
  422: 'HERALD_UNPROCESSABLE',
  429: 'HERALD_RATE_LIMITED',
  431: 'HERALD_HEADERS_TOO_LARGE',
  503: 'HERALD_UNAVAILABLE'
}

function fieldErrors (err: FastifyError): FieldError[] {
  const where = err.validationContext
  return (err.validation ?? []).flatMap((v) => {
    const params = v.params as { keys?: string[], missingProperty?: string } | undefined
    const inner = v.instancePath.replace(/^\//, '')
    // Body paths read like "targets/1/body"; query and path parameters name the parameter.
    const named = (p: string) => (where === 'body' ? p : p || String(params?.missingProperty ?? where)) || '(body)'
    // Unknown fields: one error each, named by its own path, as if it were a field that failed.
    if (Array.isArray(params?.keys) && params.keys.length) {
      return params.keys.map((k) => ({ path: named(inner ? `${inner}/${k}` : k), message: 'unknown field' }))
    }
    return [{ path: named(inner), message: v.message ?? 'invalid' }]
  })
}

/** "body field x: message; …" for the first few errors (the rest are in `errors`). */
export function describeErrors (where: string, errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 10).map((x) => `${where ? `${where} ` : ''}${clip(x.path, 200)}: ${clip(x.message, 300)}`).join('; ')
  return errors.length > 10 ? `${shown}; and ${errors.length - 10} more (see errors)` : shown
}

export function toAppError (err: unknown): AppError {
  if (err instanceof AppError) return err
  const e = err as FastifyError & { statusCode?: number }
  if (hasZodFastifySchemaValidationErrors(e)) {
    const errors = fieldErrors(e)
    const where = e.validationContext === 'querystring' ? 'query parameter' : e.validationContext === 'params' ? 'path parameter' : 'body field'
    return new AppError('HERALD_VALIDATION', describeErrors(where, errors), { errors })
  }
  if (e?.code && FASTIFY_CODES[e.code]) {
    const code = FASTIFY_CODES[e.code]
    if (e.code === 'FST_ERR_BAD_URL') return new AppError(code, 'The URL path is not valid: a segment has malformed percent-encoding.', { errors: [{ path: '(path)', message: 'malformed percent-encoding' }] })
    if (e.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError(code, 'A path segment is longer than any id or name the API uses.')
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
    detail: clip(err.message, 5000),
    code: err.code,
    requestId,
    ...(err.extra ?? {}),
    ...(err.errors ? shownErrors(err.errors) : {})
  }
}

export function isGraphqlRequest (req: FastifyRequest): boolean {
  return req.routeOptions?.url === '/graphql'
}

/**
 * Not a fault: the client left mid-request, so its transaction was rolled back under it and
 * whatever still wanted the database failed with TransactionEndedError.
 */
export function clientLeft (err: unknown, reply: FastifyReply | undefined): boolean {
  return reply?.raw.destroyed === true && (err instanceof TransactionEndedError || (err as Error | undefined)?.cause instanceof TransactionEndedError)
}

export function sendError (err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const appErr = toAppError(err)
  if (clientLeft(err, reply)) {
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
      errors: [{ message: appErr.message, extensions: { code: appErr.code, requestId: req.id, ...(appErr.errors ? shownErrors(appErr.errors) : {}) } }]
    }))
  }
  return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(problemBody(appErr, req.id)))
}

/**
 * What Node's HTTP parser refuses before there is a request (fastify's `clientErrorHandler`):
 * malformed HTTP (400), header fields over Node's 16 KiB (431), a request not received within
 * `requestTimeout` (408). Answered as problem+json on the raw socket, which then closes.
 */
export function clientErrorHandler (this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has no one to answer; a response already under way cannot be replaced.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (err.code === 'ECONNRESET' || socket.destroyed || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const [code, detail]: [ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['HERALD_REQUEST_TIMEOUT', 'The request was not received in time.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['HERALD_HEADERS_TOO_LARGE', `The request line and headers exceed ${maxHeaderSize} bytes.`]
        : ['HERALD_VALIDATION', `The request is not valid HTTP/1.1 (${err.code ?? 'malformed'}).`]
  const requestId = randomUUID()
  const appErr = new AppError(code, detail)
  this.log.info({ requestId, code, status: appErr.status, reason: err.code }, 'malformed request refused')
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = JSON.stringify(problemBody(appErr, requestId))
  // Closed once the answer is flushed, whatever the client does (it may never close its side).
  socket.end([
    `HTTP/1.1 ${appErr.status} ${STATUS_CODES[appErr.status]}`,
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    'connection: close',
    '',
    body
  ].join('\r\n'), () => socket.destroy())
}

export default fp(async (app) => {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply))
  app.setNotFoundHandler((req, reply) =>
    sendError(new AppError('HERALD_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`), req, reply))
}, { name: 'errors' })
