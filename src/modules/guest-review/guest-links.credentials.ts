import type { CredentialSource } from '../../plugins/auth.js'
import { guestActor } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import type { GuestClaims } from '../../lib/guest-tokens.js'
import { guestLinkLookupSql } from './guest-review.queries.js'

/** lastUsedAt is written at most this often per link. */
const LAST_USED_THROTTLE_MS = 60_000

/**
 * Guest review tokens: the link must exist, be unrevoked and unexpired, read in a round trip of
 * its own on every request (the token's organization sets the tenant, so RLS confines the
 * look-up to it). Guest pages are few and slow-paced, so nothing is remembered between them.
 */
export const guestLinkSource: CredentialSource<{ kind: 'guest', claims: GuestClaims }> = {
  remembered: () => undefined,
  guard: ({ claims }) => ({ sql: 'SELECT 1 FROM approval_guest_links WHERE id = $1 AND revoked_at IS NULL', values: [claims.jti] }),
  lookup: ({ claims }) => ({ role: 'herald_app', orgId: claims.org, sql: guestLinkLookupSql(claims) }),
  resolve: (row, { claims }) => {
    if (!row || row.revoked_at) throw new AppError('HERALD_UNAUTHENTICATED', 'This review link has been revoked or no longer exists.')
    if (row.expired) throw new AppError('HERALD_TOKEN_EXPIRED', 'This review link has expired; ask the agency for a new one.')
    const actor = guestActor({ linkId: claims.jti, requestId: claims.req, contentItemId: row.content_item_id, email: row.email, orgId: claims.org, brandId: row.brand_id })
    const due = !row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_THROTTLE_MS
    return { actor, touch: due ? { sql: 'UPDATE approval_guest_links SET last_used_at = now() WHERE id = $1', values: [claims.jti] } : undefined }
  },
  forget: () => {}
}
