import { and, asc, eq, gte, lt, notInArray } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { contentItems } from '../../db/tables/content-items.js'

// Read-only: which of a brand's content items a new blackout window hits. The content module
// owns the items; this module only reads them, to report the conflicts.
export function createBlackoutsQueries () {
  return {
    /** Items that still mean to go out at a time inside [from, to), in time order. */
    async itemsTimedIn (orgId: string, brandId: string, from: Date, to: Date, db: Database): Promise<string[]> {
      const rows = await db.select({ id: contentItems.id }).from(contentItems).where(and(
        eq(contentItems.organizationId, orgId),
        eq(contentItems.brandId, brandId),
        gte(contentItems.scheduledAt, from),
        lt(contentItems.scheduledAt, to),
        notInArray(contentItems.status, ['published', 'archived'])
      )).orderBy(asc(contentItems.scheduledAt), asc(contentItems.id))
      return rows.map((r) => r.id)
    }
  }
}
export type BlackoutsQueries = ReturnType<typeof createBlackoutsQueries>
