import type { JWT } from '@fastify/jwt'
import { AppError } from './errors.js'

// Guest review tokens: JWTs signed with the same key and algorithm as access tokens, but for
// another audience and of another type. The access-token verifier pins the access audience
// (and needs `sub` and `mid`, which a guest token has not), so a guest token is refused on
// every ordinary route and on /graphql; the guest verifier pins the guest audience, so an
// access token is refused on the guest routes. The token names its link row (`jti`), which
// makes it revocable; `exp` is the link's expiresAt.

export const GUEST_AUDIENCE = 'herald-guest-review'
export const GUEST_TYPE = 'guest'

export interface GuestClaims {
  /** The guest link's id. */
  jti: string
  org: string
  /** The approval request the link is for. */
  req: string
  typ: typeof GUEST_TYPE
  exp: number
  iat: number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Signs the token of one guest link; it expires exactly at expiresAt (whole seconds). */
export function signGuestToken (jwt: JWT, link: { id: string, orgId: string, requestId: string, expiresAt: Date }): string {
  const iat = Math.floor(Date.now() / 1000)
  // The plugin's default expiresIn (the access TTL) cannot be unset per call, so the expiry
  // is given as an offset from an explicit iat: exp = iat + expiresIn = expiresAt. A number
  // is seconds to @fastify/jwt; expiresAt is in whole seconds, so this is exact.
  return jwt.sign({ jti: link.id, org: link.orgId, req: link.requestId, typ: GUEST_TYPE, iat }, {
    aud: GUEST_AUDIENCE,
    expiresIn: Math.floor(link.expiresAt.getTime() / 1000) - iat
  })
}

/** The claims of a valid guest token, or a 401 (HERALD_TOKEN_EXPIRED once past exp). */
export function verifyGuestToken (jwt: JWT, token: string): GuestClaims {
  let claims: GuestClaims
  try {
    // Algorithm and issuer stay pinned by the plugin's verify defaults; only the audience
    // and the claims that must be present differ from an access token.
    claims = jwt.verify<GuestClaims>(token, { allowedAud: GUEST_AUDIENCE, requiredClaims: ['exp', 'iat', 'jti', 'org', 'req', 'typ'] })
  } catch (err: any) {
    if (err?.code === 'FAST_JWT_EXPIRED') throw new AppError('HERALD_TOKEN_EXPIRED', 'This review link has expired; ask the agency for a new one.')
    throw new AppError('HERALD_UNAUTHENTICATED', 'Send a valid guest review token as "Authorization: Bearer …"; access tokens and API keys are not accepted here.')
  }
  if (claims.typ !== GUEST_TYPE || !UUID.test(claims.jti) || !UUID.test(claims.org) || !UUID.test(claims.req)) {
    throw new AppError('HERALD_UNAUTHENTICATED', 'This is not a guest review token.')
  }
  return claims
}
