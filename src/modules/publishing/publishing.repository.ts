import { and, desc, eq, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { publications, publicationTargets, type PublicationStatus, type PublicationTargetStatus } from '../../db/tables/publishing.js'

// SQL of the publishing tables only; every method takes orgId first.

export type PublicationRow = typeof publications.$inferSelect
export type PublicationTargetRow = typeof publicationTargets.$inferSelect

export function createPublishingRepository () {
  return {
    async nextAttempt (orgId: string, itemId: string, db: Database): Promise<number> {
      const [row] = await db.select({ n: sql<number>`coalesce(max(${publications.attempt}), 0)::int` }).from(publications)
        .where(and(eq(publications.organizationId, orgId), eq(publications.contentItemId, itemId)))
      return (row?.n ?? 0) + 1
    },

    /** The next attempt number of each item (1 for an item never handed over). */
    async nextAttempts (orgId: string, itemIds: readonly string[], db: Database): Promise<Map<string, number>> {
      const out = new Map(itemIds.map((id) => [id, 1]))
      if (itemIds.length === 0) return out
      const rows = await db.select({ itemId: publications.contentItemId, n: sql<number>`max(${publications.attempt})::int` }).from(publications)
        .where(and(eq(publications.organizationId, orgId), anyOf(publications.contentItemId, [...itemIds])))
        .groupBy(publications.contentItemId)
      for (const r of rows) out.set(r.itemId, r.n + 1)
      return out
    },

    /** Many publications in one statement (their ids chosen by the caller, so nothing is read back). */
    async insertMany (orgId: string, values: ReadonlyArray<Omit<typeof publications.$inferInsert, 'organizationId'>>, db: Database): Promise<PublicationRow[]> {
      if (values.length === 0) return []
      return await db.insert(publications).values(values.map((v) => ({ ...v, organizationId: orgId }))).returning()
    },

    async insert (orgId: string, values: Omit<typeof publications.$inferInsert, 'organizationId'>, db: Database): Promise<PublicationRow> {
      const [row] = await db.insert(publications).values({ ...values, organizationId: orgId }).returning()
      return row
    },

    async insertTargets (orgId: string, values: Array<Omit<typeof publicationTargets.$inferInsert, 'organizationId'>>, db: Database): Promise<PublicationTargetRow[]> {
      if (values.length === 0) return []
      return await db.insert(publicationTargets).values(values.map((v) => ({ ...v, organizationId: orgId }))).returning()
    },

    /** The item's latest publication, locked (outcomes for one item are written one at a time). */
    async latestForUpdate (orgId: string, itemId: string, db: Database): Promise<PublicationRow | undefined> {
      const [row] = await db.select().from(publications)
        .where(and(eq(publications.organizationId, orgId), eq(publications.contentItemId, itemId)))
        .orderBy(desc(publications.attempt)).limit(1).for('update')
      return row
    },

    async byId (orgId: string, id: string, db: Database, lock = false): Promise<PublicationRow | undefined> {
      const q = db.select().from(publications).where(and(eq(publications.organizationId, orgId), eq(publications.id, id)))
      const [row] = lock ? await q.for('update') : await q
      return row
    },

    async targetsOf (orgId: string, publicationIds: readonly string[], db: Database): Promise<PublicationTargetRow[]> {
      if (publicationIds.length === 0) return []
      return await db.select().from(publicationTargets)
        .where(and(eq(publicationTargets.organizationId, orgId), anyOf(publicationTargets.publicationId, [...publicationIds])))
        .orderBy(publicationTargets.publicationId, publicationTargets.position)
    },

    /**
     * The targets of every publication of these items (targetsOf by item): read beside
     * ofItems, in the same round trip, rather than after it.
     */
    async targetsOfItems (orgId: string, itemIds: readonly string[], db: Database): Promise<PublicationTargetRow[]> {
      if (itemIds.length === 0) return []
      return await db.select().from(publicationTargets)
        .where(and(eq(publicationTargets.organizationId, orgId), sql`${publicationTargets.publicationId} IN (SELECT p.id FROM publications p WHERE p.organization_id = ${orgId} AND p.content_item_id = ANY(${sql.param([...itemIds])}))`))
        .orderBy(publicationTargets.publicationId, publicationTargets.position)
    },

    /** Publications of items, newest first. */
    async ofItems (orgId: string, itemIds: readonly string[], db: Database): Promise<PublicationRow[]> {
      if (itemIds.length === 0) return []
      return await db.select().from(publications)
        .where(and(eq(publications.organizationId, orgId), anyOf(publications.contentItemId, [...itemIds])))
        .orderBy(publications.contentItemId, desc(publications.attempt))
    },

    async setTarget (orgId: string, id: string, values: { status: PublicationTargetStatus, externalId?: string | null, url?: string | null, publishedAt?: Date | null, error?: string | null, retryable?: boolean | null }, db: Database): Promise<PublicationTargetRow> {
      const [row] = await db.update(publicationTargets).set({ ...values, reportedAt: new Date() })
        .where(and(eq(publicationTargets.organizationId, orgId), eq(publicationTargets.id, id))).returning()
      return row
    },

    /** Every target still waiting fails with this error (a timeout). */
    async failWaitingTargets (orgId: string, publicationId: string, error: string, db: Database): Promise<void> {
      await db.update(publicationTargets).set({ status: 'failed', error, retryable: true, reportedAt: new Date() })
        .where(and(eq(publicationTargets.organizationId, orgId), eq(publicationTargets.publicationId, publicationId), eq(publicationTargets.status, 'requested')))
    },

    async finish (orgId: string, id: string, status: PublicationStatus, reason: string | null, detail: string | null, db: Database): Promise<PublicationRow> {
      const [row] = await db.update(publications).set({ status, reason, detail, finishedAt: new Date() })
        .where(and(eq(publications.organizationId, orgId), eq(publications.id, id))).returning()
      return row
    }
  }
}
export type PublishingRepository = ReturnType<typeof createPublishingRepository>
