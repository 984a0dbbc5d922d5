import type { CredentialSource } from '../../plugins/auth.js'
import { guestActor } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import type { GuestClaims } from '../../lib/guest-tokens.js'
import { guestLinkLookupSql } from './guest-review.queries.js'

/** lastUsedAt is written at most this often per link. */
const LAST_USED_THROTTLE_MS = 60_000

/**
 * Guest review tokens: the link must exist, be unrevoked and unexpired, checked in the BEGIN
 * round trip like an access token's membership (the token's organization sets the tenant, so
 * RLS confines the look-up to it).
 */
export const guestLinkSource: CredentialSource<{ kind: 'guest', claims: GuestClaims }> = {
  lookup: ({ claims }) => ({ role: 'herald_app', orgId: claims.org, sql: guestLinkLookupSql(claims) }),
  resolve: async (row, tx, { claims }) => {
    if (!row || row.revoked_at) throw new AppError('HERALD_UNAUTHENTICATED', 'This review link has been revoked or no longer exists.')
    if (row.expired) throw new AppError('HERALD_TOKEN_EXPIRED', 'This review link has expired; ask the agency for a new one.')
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_THROTTLE_MS) {
      await tx.query('UPDATE approval_guest_links SET last_used_at = now() WHERE id = $1', [claims.jti])
    }
    return guestActor({ linkId: claims.jti, requestId: claims.req, contentItemId: row.content_item_id, email: row.email, orgId: claims.org, brandId: row.brand_id })
  }
}
