import { and, asc, eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { organizations } from '../../db/tables/organizations.js'
import { memberships } from '../../db/tables/members.js'
import { apiKeys } from '../../db/tables/api-keys.js'

export type OrganizationRow = typeof organizations.$inferSelect

// Read-only: what signing in needs to know of rows other modules own (organizations,
// memberships, API keys). Sign-in runs before there is an actor to ask their services with;
// the first reads run as the credential look-up role (see the RLS migration), the rest inside
// the tenant. Only the owners write these tables.
export function createAuthQueries () {
  return {
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
    }
  }
}
export type AuthQueries = ReturnType<typeof createAuthQueries>
