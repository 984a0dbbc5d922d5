import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'
import cors from '@fastify/cors'

export interface SecurityOptions { corsOrigins: string[] }

// OWASP REST headers on every response; the API serves no HTML but /docs and /graphiql, which
// get a CSP that lets their own scripts and styles load from this server and nothing else: no
// CDN, no inline script (both pages load theirs from files), no framing. Inline styles stay:
// Swagger UI and GraphiQL (React) set style attributes. Images and fonts may be data: URIs
// (their icons); requests go to this same origin only ("Try it out", GraphQL).
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/**
 * Helmet's headers for the API, computed once. They depend on nothing in the request, and
 * @fastify/helmet rebuilt helmet's whole middleware chain on every request (parsing the CSP
 * directives each time: ~3 % of the CPU of a GET). Helmet itself still decides the headers.
 */
export function securityHeaders (): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: string | number) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { Reflect.deleteProperty(headers, name.toLowerCase()) }
  }
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // HSTS is only meaningful over TLS; the proxy in front of Herald should set it.
    strictTransportSecurity: false
  })({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => { if (err) throw err })
  return headers
}

export default fp<SecurityOptions>(async (app, opts) => {
  // CORS answers preflights itself, before any credential is looked at.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...(route.config ?? {}), auth: 'public', rateLimit: false } as any
  })
  const headers = securityHeaders()
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers)
    reply.header('x-request-id', req.id)
    done()
  })
  await app.register(cors, {
    origin: opts.corsOrigins.length ? opts.corsOrigins : false,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'If-None-Match', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Link'],
    maxAge: 600
  })
  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.url
    if (url.startsWith('/docs') || url.startsWith('/graphiql')) {
      reply.header('content-security-policy', DOCS_CSP)
    } else if (!reply.hasHeader('cache-control')) {
      // API responses are per-credential: never cache them in shared caches.
      reply.header('cache-control', 'no-store')
    }
    return payload
  })
}, { name: 'security' })
