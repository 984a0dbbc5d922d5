import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Guard, Tx } from '../db/tx.js'
import type { Actor } from '../lib/actor.js'
import type { Ctx } from '../lib/context.js'
import { AppError } from '../lib/errors.js'
import { verifyGuestToken, type GuestClaims } from '../lib/guest-tokens.js'
import { API_KEY_PATTERN } from '../lib/tokens.js'

// Who is calling, and the one transaction the request runs in. Deny by default: a route is
// public only when it says `config: { auth: 'public' }`; everything else needs a credential.
// Two steps, so that no pooled connection is ever held while a client is sending:
// - onRequest checks what needs no database (the header's shape, a JWT's signature and
//   expiry), so a request without a valid-looking credential is refused before its body is read;
// - preValidation, once the whole body has arrived, opens the tenant transaction (role and
//   organization set in the same round trip as BEGIN, with the membership or key look-up).
// The transaction closes in onSend (committed for a success, rolled back for anything else)
// and, whatever happens to the client, when the response closes: a client that disconnects
// mid-request never leaves a transaction open.
// Routes that say `auth: 'guest'` (the guest review routes, /v1/guest/*) take a guest review
// token and nothing else; every other route refuses one (see src/lib/guest-tokens.ts).

export type AuthMode = 'public' | 'actor' | 'guest'

declare module 'fastify' {
  interface FastifyInstance {
    /** Where modules register how their credentials become actors (see CredentialSource). */
    credentialSources: { register: <K extends Credential['kind']>(kind: K, source: CredentialSource<Extract<Credential, { kind: K }>>) => void }
  }
  interface FastifyContextConfig {
    /** Which credential a route takes; routes that do not say are treated as 'actor'. */
    auth?: AuthMode
  }
  interface FastifyRequest {
    /** The credential as read in onRequest; checked against the database in preValidation. */
    credential: Credential | null
    actor: Actor | null
    tx: Tx | null
    /** Set by GraphQL when an operation failed, so its writes roll back. */
    rollbackOnly: boolean
    /** Run inside the transaction just before COMMIT, with the serialized reply. */
    beforeCommit: Array<(payload: unknown, reply: FastifyReply) => Promise<void>>
    /** The service context of an authenticated request. */
    ctx: () => Ctx
  }
}

export interface AuthPluginOptions {
  jwtSecret: string
  accessTtlSeconds: number
}

export const JWT_ISSUER = 'herald'
export const JWT_AUDIENCE = 'herald-api'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface AccessClaims { sub: string, org: string, mid: string, typ: 'access' }

/** A credential whose signature or shape has been checked, before any database look-up. */
export type Credential =
  | { kind: 'api_key', token: string }
  | { kind: 'access', claims: AccessClaims }
  | { kind: 'guest', claims: GuestClaims }

/** A write the request's work makes for its credential (e.g. lastUsedAt), deferred. */
export interface Touch { sql: string, values?: unknown[] }

/**
 * How a kind of credential becomes an actor, offered by the module that owns its rows (members
 * for access tokens, API keys, guest review for guest links), so that this plugin reads no
 * module's tables. A source remembers the actors it resolved:
 * - `remembered`: the actor of a credential seen before (and a write due for it, if any): the
 *   request then needs no look-up of its own; `guard` is a statement (its $n values given
 *   apart: it runs prepared) that returns a row while that actor still stands (membership unchanged, key not revoked), sent in the same round
 *   trip as the request's first statement, which it refuses (401) when it returns none. The
 *   owner forgets an actor as soon as it changes it on this instance (a role change, a
 *   revocation); a change made on another instance is caught by the guard.
 * - otherwise `lookup` (a statement as which role and tenant: its values must be validated,
 *   UUIDs or base62, since they are inlined) is read in a round trip of its own, and `resolve`
 *   turns its row (undefined: none) into an actor, or throws a 401.
 */
export interface CredentialSource<C extends Credential> {
  remembered: (credential: C) => { actor: Actor, touch?: Touch } | undefined
  guard: (credential: C, actor: Actor) => { sql: string, values: readonly unknown[] }
  lookup: (credential: C) => { role: 'herald_app' | 'herald_auth', orgId?: string, sql: string }
  resolve: (row: Record<string, any> | undefined, credential: C) => { actor: Actor, touch?: Touch }
  /** Forgets what was remembered for this credential (its guard refused it). */
  forget: (credential: C) => void
}

export const unauthenticated = (detail = 'Send a valid access token or API key as "Authorization: Bearer …".') =>
  new AppError('HERALD_UNAUTHENTICATED', detail)

export default fp<AuthPluginOptions>(async (app, opts) => {
  await app.register(jwt, {
    secret: opts.jwtSecret,
    // A number is seconds to @fastify/jwt (it converts to milliseconds for fast-jwt itself).
    sign: { algorithm: 'HS256', iss: JWT_ISSUER, aud: JWT_AUDIENCE, expiresIn: opts.accessTtlSeconds },
    // cache: a token already verified is found by its hash (fast-jwt's LRU, 1,000 tokens) until
    // its exp, instead of a new HMAC, decode and claims check each request; revocation is the
    // guard's job (every request's first round trip), not the signature's.
    verify: { cache: true, algorithms: ['HS256'], allowedIss: JWT_ISSUER, allowedAud: JWT_AUDIENCE, requiredClaims: ['exp', 'iat', 'sub', 'org', 'mid'] }
  })

  const sources: { [K in Credential['kind']]?: CredentialSource<Extract<Credential, { kind: K }>> } = {}
  app.decorate('credentialSources', {
    register<K extends Credential['kind']> (kind: K, source: CredentialSource<Extract<Credential, { kind: K }>>): void {
      if (sources[kind]) throw new Error(`a credential source for ${kind} is registered twice`)
      ;(sources as Record<string, unknown>)[kind] = source
    }
  })
  app.addHook('onReady', async () => {
    const missing = (['access', 'api_key', 'guest'] as const).filter((k) => !sources[k])
    if (missing.length) throw new Error(`no credential source registered for ${missing.join(', ')}`)
  })

  app.decorateRequest('credential', null)
  app.decorateRequest('actor', null)
  app.decorateRequest('tx', null)
  app.decorateRequest('rollbackOnly', false)
  app.decorateRequest('beforeCommit', null as any)
  app.decorateRequest('ctx', function (this: FastifyRequest): Ctx {
    if (!this.actor || !this.tx) throw unauthenticated()
    return { actor: this.actor, db: this.tx.db, requestId: this.id }
  })

  function verifyAccessToken (token: string): AccessClaims {
    let claims: AccessClaims
    try {
      claims = app.jwt.verify<AccessClaims>(token)
    } catch (err: any) {
      if (err?.code === 'FAST_JWT_EXPIRED') throw new AppError('HERALD_TOKEN_EXPIRED', 'The access token has expired; use the refresh token to get a new one.')
      throw unauthenticated('The access token is malformed, wrongly signed or not for this API.')
    }
    if (claims.typ !== 'access' || !UUID.test(claims.sub) || !UUID.test(claims.org) || !UUID.test(claims.mid)) throw unauthenticated()
    return claims
  }

  /**
   * The request's actor and its unit of work: from what the credential's source remembers
   * (checked by a guard in the work's first round trip), or from a look-up of its own. Reads
   * (GET, HEAD) run in autocommit, everything else in one transaction.
   */
  async function fromSource<K extends Credential['kind']> (kind: K, credential: Extract<Credential, { kind: K }>, readOnly: boolean): Promise<{ actor: Actor, tx: Tx }> {
    const source = sources[kind] as CredentialSource<typeof credential> | undefined
    if (!source) throw new Error(`no credential source for ${kind}: the module that owns it has not registered`)
    let found = source.remembered(credential)
    let guard: Guard | undefined
    if (found) {
      guard = {
        ...source.guard(credential, found.actor),
        refused: () => {
          source.forget(credential)
          return unauthenticated('This credential no longer stands as it was (revoked, removed, or its access changed); if it is still valid, send the request again.')
        }
      }
    } else {
      const lookup = source.lookup(credential)
      const row = (await app.lookup(lookup.role, lookup.orgId, lookup.sql)).rows[0]
      found = source.resolve(row, credential)
    }
    const tx = app.unitOfWork({ role: 'herald_app', orgId: found.actor.orgId, readOnly, guard })
    if (found.touch) tx.defer(found.touch.sql, found.touch.values)
    return { actor: found.actor, tx }
  }

  app.addHook('onRequest', async (req) => {
    req.beforeCommit = []
    const mode = req.routeOptions.config?.auth ?? 'actor'
    if (mode === 'public' || req.routeOptions.url === undefined) return
    const header = req.headers.authorization
    const m = header ? /^Bearer ([^\s]+)$/i.exec(header) : null
    if (!m) throw unauthenticated(mode === 'guest' ? 'Send the guest review token as "Authorization: Bearer …".' : undefined)
    const token = m[1]
    if (mode === 'guest') {
      if (token.startsWith('hrld_')) throw unauthenticated('API keys are not accepted here: send the guest review token.')
      req.credential = { kind: 'guest', claims: verifyGuestToken(app.jwt, token) }
    } else if (token.startsWith('hrld_')) {
      if (!API_KEY_PATTERN.test(token)) throw unauthenticated()
      req.credential = { kind: 'api_key', token }
    } else {
      req.credential = { kind: 'access', claims: verifyAccessToken(token) }
    }
  })

  app.addHook('preValidation', async (req, reply) => {
    const credential = req.credential
    if (!credential) return
    const { actor, tx } = await fromSource(credential.kind, credential, req.method === 'GET' || req.method === 'HEAD')
    // The client may have gone while this request waited for a connection: give it back now,
    // there is nobody to answer. Otherwise, whatever ends the response (sent, failed, or the
    // client disconnecting mid-handler) also ends the transaction if onSend has not.
    if (reply.raw.destroyed || req.raw.socket?.destroyed) {
      await tx.rollback()
      req.log.info('client disconnected before its transaction began; nothing was run')
      reply.hijack()
      return
    }
    reply.raw.once('close', () => { if (!tx.done) tx.rollback().catch(() => {}) })
    req.actor = actor
    req.tx = tx
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const tx = req.tx
    if (!tx || tx.done) return payload
    if (reply.statusCode < 400 && !req.rollbackOnly) {
      for (const fn of req.beforeCommit) await fn(payload, reply)
      await tx.commit()
    } else {
      await tx.rollback()
    }
    return payload
  })

  // Safety net: whatever happened, the connection goes back to the pool.
  app.addHook('onResponse', async (req) => {
    if (req.tx && !req.tx.done) await req.tx.rollback()
  })
}, { name: 'auth', dependencies: ['db', 'errors'] })
