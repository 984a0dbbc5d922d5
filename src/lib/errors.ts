// One error vocabulary for REST (problem+json, RFC 9457) and GraphQL (extensions.code).
// Codes are stable: clients may branch on them. The list is published in the README and in
// openapi.yaml (components.schemas.Problem).

export const ERROR_CODES = {
  HERALD_VALIDATION: { status: 400, title: 'Invalid request' },
  HERALD_BAD_CURSOR: { status: 400, title: 'Invalid cursor' },
  HERALD_BAD_IDEMPOTENCY_KEY: { status: 400, title: 'Invalid Idempotency-Key' },
  HERALD_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  HERALD_TOKEN_EXPIRED: { status: 401, title: 'Token expired' },
  HERALD_INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  HERALD_FORBIDDEN: { status: 403, title: 'Forbidden' },
  HERALD_USER_REQUIRED: { status: 403, title: 'A signed-in user is required' },
  HERALD_SIGNUP_DISABLED: { status: 403, title: 'Sign-up is disabled' },
  HERALD_NOT_FOUND: { status: 404, title: 'Not found' },
  HERALD_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  HERALD_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  HERALD_CONFLICT: { status: 409, title: 'Conflict' },
  HERALD_DUPLICATE: { status: 409, title: 'Already exists' },
  HERALD_LAST_OWNER: { status: 409, title: 'An organization needs an owner' },
  HERALD_ILLEGAL_TRANSITION: { status: 409, title: 'Illegal status transition' },
  HERALD_BLACKOUT: { status: 409, title: 'Inside a blackout window' },
  HERALD_IN_USE: { status: 409, title: 'Still in use' },
  HERALD_BRAND_PAUSED: { status: 409, title: 'Publishing of the brand is paused' },
  HERALD_PRECONDITION_FAILED: { status: 412, title: 'Precondition failed' },
  HERALD_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  HERALD_URI_TOO_LONG: { status: 414, title: 'URI too long' },
  HERALD_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  HERALD_IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency-Key reused with a different request' },
  HERALD_UNPROCESSABLE: { status: 422, title: 'Unprocessable request' },
  HERALD_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HERALD_HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  HERALD_QUERY_LIMIT: { status: 400, title: 'GraphQL query over its limits' },
  HERALD_INTERNAL: { status: 500, title: 'Internal error' },
  HERALD_UNAVAILABLE: { status: 503, title: 'Service unavailable' }
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** One problem of a request; `code` when the problems of one request are of several kinds. */
export interface FieldError { path: string, message: string, code?: ErrorCode }

/**
 * A problem lists at most this many field errors (a 40,000-key body must not answer with
 * 40,000 of them); `errorsOmitted` says how many more there were. A client fixing its input
 * needs the first few; the rest would only make the reply large.
 */
export const MAX_FIELD_ERRORS = 100

/** A path or message a client made long (an unknown field's name) is shortened, by code point. */
export const clip = (s: string, max: number) => (s.length > max ? `${[...s].slice(0, max).join('')}…` : s)

/** The field errors a reply shows (capped, long paths shortened) and how many it leaves out. */
export function shownErrors (errors: readonly FieldError[]): { errors: FieldError[], errorsOmitted?: number } {
  const shown = errors.slice(0, MAX_FIELD_ERRORS).map((e) => ({ path: clip(e.path, 300), message: clip(e.message, 500), ...(e.code ? { code: e.code } : {}) }))
  return errors.length > MAX_FIELD_ERRORS ? { errors: shown, errorsOmitted: errors.length - MAX_FIELD_ERRORS } : { errors: shown }
}

export class AppError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly title: string
  readonly errors?: FieldError[]
  readonly extra?: Record<string, unknown>
  readonly headers?: Record<string, string>

  constructor (code: ErrorCode, detail: string, opts: { errors?: FieldError[], extra?: Record<string, unknown>, headers?: Record<string, string> } = {}) {
    super(detail)
    this.code = code
    this.status = ERROR_CODES[code].status
    this.title = ERROR_CODES[code].title
    this.errors = opts.errors
    this.extra = opts.extra
    this.headers = opts.headers
  }
}

export const notFound = (what: string) => new AppError('HERALD_NOT_FOUND', `${what} was not found.`)

/** kebab-case slug used in the problem `type` URI. */
export function problemType (code: ErrorCode): string {
  return `https://herald.dev/problems/${code.replace(/^HERALD_/, '').toLowerCase().replace(/_/g, '-')}`
}

export function isUniqueViolation (err: unknown): boolean {
  return hasPgCode(err, '23505')
}

export function hasPgCode (err: unknown, code: string): boolean {
  let e: any = err
  // drizzle wraps driver errors; the pg error is the cause.
  for (let i = 0; i < 3 && e; i++) {
    if (e.code === code) return true
    e = e.cause
  }
  return false
}
