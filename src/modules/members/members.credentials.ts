import type { AccessClaims, CredentialSource } from '../../plugins/auth.js'
import { memberActor, type Role } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'

/**
 * Access tokens: the membership is read on every request (in the BEGIN round trip, inside the
 * token's tenant), so a removed member or a changed role takes effect at once rather than when
 * the token expires. The claims are UUIDs, checked when the token was verified.
 */
export const accessTokenSource: CredentialSource<{ kind: 'access', claims: AccessClaims }> = {
  lookup: ({ claims }) => ({
    role: 'herald_app',
    orgId: claims.org,
    sql: `SELECT role, brand_ids, email FROM memberships WHERE id = '${claims.mid}' AND user_id = '${claims.sub}' AND status = 'active'`
  }),
  resolve: async (row, _tx, { claims }) => {
    if (!row) throw new AppError('HERALD_UNAUTHENTICATED', 'This membership no longer exists.')
    return memberActor({ id: claims.mid, orgId: claims.org, userId: claims.sub, role: row.role as Role, brandIds: row.brand_ids, email: row.email })
  }
}
