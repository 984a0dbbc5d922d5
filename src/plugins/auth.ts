import fp from 'fastify-plugin'
import jwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Tx } from '../db/tx.js'
import { apiKeyActor, guestActor, memberActor, type Actor, type Role } from '../lib/actor.js'
import type { Ctx } from '../lib/context.js'
import { AppError } from '../lib/errors.js'
import { verifyGuestToken, type GuestClaims } from '../lib/guest-tokens.js'
import { API_KEY_PATTERN, safeEqualHex, sha256 } from '../lib/tokens.js'

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
const LAST_USED_THROTTLE_MS = 60_000

export interface AccessClaims { sub: string, org: string, mid: string, typ: 'access' }

/** A credential whose signature or shape has been checked, before any database look-up. */
type Credential =
  | { kind: 'api_key', token: string }
  | { kind: 'access', claims: AccessClaims }
  | { kind: 'guest', claims: GuestClaims }

const unauthenticated = (detail = 'Send a valid access token or API key as "Authorization: Bearer …".') =>
  new AppError('HERALD_UNAUTHENTICATED', detail)

export default fp<AuthPluginOptions>(async (app, opts) => {
  await app.register(jwt, {
    secret: opts.jwtSecret,
    // A number is seconds to @fastify/jwt (it converts to milliseconds for fast-jwt itself).
    sign: { algorithm: 'HS256', iss: JWT_ISSUER, aud: JWT_AUDIENCE, expiresIn: opts.accessTtlSeconds },
    verify: { algorithms: ['HS256'], allowedIss: JWT_ISSUER, allowedAud: JWT_AUDIENCE, requiredClaims: ['exp', 'iat', 'sub', 'org', 'mid'] }
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

  async function fromApiKey (token: string): Promise<{ actor: Actor, tx: Tx }> {
    const m = API_KEY_PATTERN.exec(token)
    if (!m) throw unauthenticated()
    // The prefix is base62 (checked by the pattern), so it is safe to send with BEGIN.
    const { tx, extra } = await app.openTx('herald_auth', undefined,
      `SELECT id, organization_id, name, secret_hash, scopes, brand_ids, revoked_at, last_used_at FROM api_keys WHERE prefix = '${m[1]}'`)
    try {
      const row = extra?.rows[0]
      if (!row || row.revoked_at || !safeEqualHex(row.secret_hash, sha256(token))) throw unauthenticated('The API key is not valid or has been revoked.')
      await tx.enterTenant(row.organization_id)
      if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_THROTTLE_MS) {
        await tx.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id])
      }
      return { actor: apiKeyActor({ id: row.id, orgId: row.organization_id, scopes: row.scopes, brandIds: row.brand_ids, name: row.name }), tx }
    } catch (err) {
      await tx.rollback()
      throw err
    }
  }

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

  async function fromAccessToken (claims: AccessClaims): Promise<{ actor: Actor, tx: Tx }> {
    // The membership is read on every request, so a removed member or a changed role takes
    // effect at once rather than when the token expires.
    const { tx, extra } = await app.openTx('herald_app', claims.org,
      `SELECT role, brand_ids, email FROM memberships WHERE id = '${claims.mid}' AND user_id = '${claims.sub}' AND status = 'active'`)
    const row = extra?.rows[0]
    if (!row) {
      await tx.rollback()
      throw unauthenticated('This membership no longer exists.')
    }
    return { actor: memberActor({ id: claims.mid, orgId: claims.org, userId: claims.sub, role: row.role as Role, brandIds: row.brand_ids, email: row.email }), tx }
  }

  /**
   * A guest review token: its link must exist, be unrevoked and unexpired, checked in the
   * BEGIN round trip like an access token's membership (the token's org sets the tenant, so
   * RLS confines the look-up to it).
   */
  async function fromGuestToken (claims: GuestClaims): Promise<{ actor: Actor, tx: Tx }> {
    const { tx, extra } = await app.openTx('herald_app', claims.org,
      `SELECT l.email, l.revoked_at, l.expires_at <= now() AS expired, l.last_used_at, r.content_item_id, r.brand_id
         FROM approval_guest_links l JOIN approval_requests r ON r.id = l.request_id AND r.organization_id = l.organization_id
        WHERE l.id = '${claims.jti}' AND l.request_id = '${claims.req}' AND l.organization_id = '${claims.org}'`)
    try {
      const row = extra?.rows[0]
      if (!row || row.revoked_at) throw unauthenticated('This review link has been revoked or no longer exists.')
      if (row.expired) throw new AppError('HERALD_TOKEN_EXPIRED', 'This review link has expired; ask the agency for a new one.')
      if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_THROTTLE_MS) {
        await tx.query('UPDATE approval_guest_links SET last_used_at = now() WHERE id = $1', [claims.jti])
      }
      const actor = guestActor({ linkId: claims.jti, requestId: claims.req, contentItemId: row.content_item_id, email: row.email, orgId: claims.org, brandId: row.brand_id })
      return { actor, tx }
    } catch (err) {
      await tx.rollback()
      throw err
    }
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
    const { actor, tx } = credential.kind === 'guest'
      ? await fromGuestToken(credential.claims)
      : credential.kind === 'api_key' ? await fromApiKey(credential.token) : await fromAccessToken(credential.claims)
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
