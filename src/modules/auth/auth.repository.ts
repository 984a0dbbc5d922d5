import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { organizations } from '../../db/tables/organizations.js'
import { users } from '../../db/tables/users.js'
import { memberships } from '../../db/tables/members.js'
import { apiKeys } from '../../db/tables/api-keys.js'
import { refreshTokens } from '../../db/tables/auth.js'

export type UserRow = typeof users.$inferSelect
export type OrganizationRow = typeof organizations.$inferSelect
export type RefreshTokenRow = typeof refreshTokens.$inferSelect

// Sign-in needs a few reads before the organization is known; those run as the credential
// look-up role (see the RLS migration), everything after them inside the tenant.
export function createAuthRepository () {
  return {
    async findUserByEmail (email: string, db: Database): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()))
      return row
    },

    async findUser (id: string, db: Database): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id))
      return row
    },

    async insertUser (v: { email: string, name: string, passwordHash: string }, db: Database): Promise<UserRow> {
      const [row] = await db.insert(users).values(v).returning()
      return row
    },

    async insertOrganization (v: { id: string, name: string, slug: string }, db: Database): Promise<OrganizationRow> {
      const [row] = await db.insert(organizations).values(v).returning()
      return row
    },

    async findOrganization (orgId: string, db: Database): Promise<OrganizationRow | undefined> {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, orgId))
      return row
    },

    /** Active memberships of a user across organizations, oldest first (credential look-up role). */
    async activeMembershipsOf (userId: string, db: Database) {
      return await db.select({ id: memberships.id, organizationId: memberships.organizationId, role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.userId, userId), eq(memberships.status, 'active')))
        .orderBy(asc(memberships.createdAt))
    },

    async findMembership (orgId: string, id: string, db: Database) {
      const [row] = await db.select().from(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.id, id)))
      return row
    },

    async findInvitation (tokenHash: string, db: Database) {
      const [row] = await db.select().from(memberships).where(and(eq(memberships.invitationTokenHash, tokenHash), eq(memberships.status, 'invited')))
      return row
    },

    async findApiKey (orgId: string, id: string, db: Database) {
      const [row] = await db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.organizationId, orgId), eq(apiKeys.id, id)))
      return row
    },

    async findRefreshToken (tokenHash: string, db: Database): Promise<RefreshTokenRow | undefined> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
      return row
    },

    async insertRefreshToken (v: { organizationId: string, userId: string, membershipId: string, familyId: string, tokenHash: string, expiresAt: Date }, db: Database): Promise<void> {
      await db.insert(refreshTokens).values(v)
    },

    /** Marks a token used; false when it was already used or revoked (reuse, or a race). */
    async markReplaced (orgId: string, id: string, db: Database): Promise<boolean> {
      const rows = await db.update(refreshTokens).set({ replacedAt: sql`now()` })
        .where(and(eq(refreshTokens.organizationId, orgId), eq(refreshTokens.id, id), isNull(refreshTokens.replacedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id })
      return rows.length > 0
    },

    async revokeFamily (orgId: string, familyId: string, db: Database): Promise<void> {
      await db.update(refreshTokens).set({ revokedAt: sql`now()` })
        .where(and(eq(refreshTokens.organizationId, orgId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    }
  }
}
export type AuthRepository = ReturnType<typeof createAuthRepository>
