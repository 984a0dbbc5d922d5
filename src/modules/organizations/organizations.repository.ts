import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { organizations } from '../../db/tables/organizations.js'
import type { UpdateOrganizationInput } from './organizations.schemas.js'

export type OrganizationRow = typeof organizations.$inferSelect

export function createOrganizationsRepository () {
  return {
    async findById (orgId: string, db: Database): Promise<OrganizationRow | undefined> {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, orgId))
      return row
    },

    async insert (v: { id: string, name: string, slug: string }, db: Database): Promise<OrganizationRow> {
      const [row] = await db.insert(organizations).values(v).returning()
      return row
    },

    /** Updates only when the version still matches (compare-and-set, not read-then-write). */
    async update (orgId: string, version: number, patch: UpdateOrganizationInput, db: Database): Promise<OrganizationRow | undefined> {
      const [row] = await db.update(organizations)
        .set({ ...patch, version: sql`${organizations.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(organizations.id, orgId), eq(organizations.version, version)))
        .returning()
      return row
    }
  }
}
export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>
