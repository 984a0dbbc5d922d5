import type { AccessClaims, CredentialSource } from '../../plugins/auth.js'
import { memberActor, type Actor, type Role } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import { Remembered } from '../../lib/remembered.js'

/**
 * Access tokens. The membership decides every request (a removed member or a changed role
 * takes effect at once, not when the token expires): its role and brand grants are remembered
 * per membership, and each request's first round trip carries a guard that the membership is
 * still active with exactly that role and those grants. The members service forgets a
 * membership the moment it changes it. The guard's values are bound (a prepared statement, see
 * src/db/tx.ts); the look-up's are inlined: the claims are UUIDs, checked when the token was verified.
 */
export function accessTokenSource (memory: Remembered<Actor>): CredentialSource<{ kind: 'access', claims: AccessClaims }> {
  return {
    remembered: ({ claims }) => {
      const actor = memory.get(claims.mid)
      return actor && actor.userId === claims.sub && actor.orgId === claims.org ? { actor } : undefined
    },
    guard: ({ claims }, actor) => ({
      sql: "SELECT 1 FROM memberships WHERE id = $1 AND user_id = $2 AND status = 'active' AND role = $3 AND brand_ids IS NOT DISTINCT FROM $4::uuid[]",
      values: [claims.mid, claims.sub, actor.role, actor.brandIds]
    }),
    lookup: ({ claims }) => ({
      role: 'herald_app',
      orgId: claims.org,
      sql: `SELECT role, brand_ids, email FROM memberships WHERE id = '${claims.mid}' AND user_id = '${claims.sub}' AND status = 'active'`
    }),
    resolve: (row, { claims }) => {
      if (!row) throw new AppError('HERALD_UNAUTHENTICATED', 'This membership no longer exists.')
      const actor = memberActor({ id: claims.mid, orgId: claims.org, userId: claims.sub, role: row.role as Role, brandIds: row.brand_ids, email: row.email })
      memory.set(claims.mid, actor)
      return { actor }
    },
    forget: ({ claims }) => { memory.forget(claims.mid) }
  }
}
