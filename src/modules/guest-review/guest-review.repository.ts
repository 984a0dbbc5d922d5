import { and, count, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { approvalGuestLinks } from '../../db/tables/approval-requests.js'
import type { GuestLinkListQuery } from './guest-links.schemas.js'

// Guest links, the table this module owns. What the review page reads of other modules' rows
// is in guest-review.queries.ts.

export type GuestLinkRow = typeof approvalGuestLinks.$inferSelect

export function createGuestReviewRepository (codec: CursorCodec) {
  return {
    async countActive (orgId: string, requestId: string, db: Database): Promise<number> {
      const [row] = await db.select({ n: count() }).from(approvalGuestLinks).where(and(
        eq(approvalGuestLinks.organizationId, orgId), eq(approvalGuestLinks.requestId, requestId),
        isNull(approvalGuestLinks.revokedAt), gt(approvalGuestLinks.expiresAt, sql`now()`)))
      return Number(row?.n ?? 0)
    },

    async insertLink (orgId: string, v: Omit<typeof approvalGuestLinks.$inferInsert, 'organizationId'>, db: Database): Promise<GuestLinkRow> {
      const [row] = await db.insert(approvalGuestLinks).values({ ...v, organizationId: orgId }).returning()
      return row
    },

    async findLink (orgId: string, id: string, db: Database): Promise<GuestLinkRow | undefined> {
      const [row] = await db.select().from(approvalGuestLinks).where(and(eq(approvalGuestLinks.organizationId, orgId), eq(approvalGuestLinks.id, id)))
      return row
    },

    async listLinks (orgId: string, requestId: string, q: GuestLinkListQuery, db: Database): Promise<Page<GuestLinkRow>> {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: approvalGuestLinks.createdAt }, idColumn: approvalGuestLinks.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, approvalGuestLinks, { ...args, withTotal: wantsTotal(q) }, andAll(eq(approvalGuestLinks.organizationId, orgId), eq(approvalGuestLinks.requestId, requestId)))
    },

    /** Sets revokedAt once; undefined when it was already revoked (or is gone). */
    async revoke (orgId: string, id: string, db: Database): Promise<GuestLinkRow | undefined> {
      const [row] = await db.update(approvalGuestLinks).set({ revokedAt: sql`now()` })
        .where(and(eq(approvalGuestLinks.organizationId, orgId), eq(approvalGuestLinks.id, id), isNull(approvalGuestLinks.revokedAt)))
        .returning()
      return row
    }
  }
}
export type GuestReviewRepository = ReturnType<typeof createGuestReviewRepository>
