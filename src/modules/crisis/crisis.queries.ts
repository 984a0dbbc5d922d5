import { and, asc, eq, lt } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { contentItems } from '../../db/tables/content-items.js'
import { brands } from '../../db/tables/brands.js'

// Read-only: which of a brand's content items a pause would hold. The content module owns the
// items and moves them (through app.contentItems.transition); this only finds them.
export function createCrisisQueries () {
  return {
    /** Scheduled items of the brand due before `until` (all of them without it), in the order they are due. */
    async scheduledItems (orgId: string, brandId: string, until: Date | null, db: Database): Promise<string[]> {
      const rows = await db.select({ id: contentItems.id }).from(contentItems).where(and(
        eq(contentItems.organizationId, orgId),
        eq(contentItems.brandId, brandId),
        eq(contentItems.status, 'scheduled'),
        until ? lt(contentItems.scheduledAt, until) : undefined
      )).orderBy(asc(contentItems.scheduledAt), asc(contentItems.id))
      return rows.map((r) => r.id)
    },

    /** The brands' time zones (reports group by month in the brand's zone). */
    async timeZones (orgId: string, brandIds: readonly string[], db: Database): Promise<Map<string, string>> {
      if (brandIds.length === 0) return new Map()
      const rows = await db.select({ id: brands.id, timeZone: brands.timeZone }).from(brands).where(and(eq(brands.organizationId, orgId), anyOf(brands.id, [...new Set(brandIds)])))
      return new Map(rows.map((r) => [r.id, r.timeZone]))
    }
  }
}
export type CrisisQueries = ReturnType<typeof createCrisisQueries>
