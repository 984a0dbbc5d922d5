import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, parseSort, toPage, type CursorCodec, type Page } from '../../lib/pagination.js'
import { approvalDecisions, approvalGuestLinks, approvalRequests } from '../../db/tables/approval-requests.js'
import { contentItems, contentRevisions } from '../../db/tables/content-items.js'
import { socialAccounts } from '../../db/tables/social-accounts.js'
import { events } from '../../db/tables/events.js'
import type { GuestLinkListQuery } from './guest-links.schemas.js'

// SQL for guest links and the guest's review page. Approval requests and decisions are read
// straight from their tables (the approvals module owns writing them).

export type GuestLinkRow = typeof approvalGuestLinks.$inferSelect
export type RequestRow = typeof approvalRequests.$inferSelect
export type DecisionRow = typeof approvalDecisions.$inferSelect

export function createGuestReviewRepository (codec: CursorCodec) {
  return {
    async findRequest (orgId: string, id: string, db: Database): Promise<RequestRow | undefined> {
      const [row] = await db.select().from(approvalRequests).where(and(eq(approvalRequests.organizationId, orgId), eq(approvalRequests.id, id)))
      return row
    },

    async decisions (orgId: string, requestId: string, db: Database): Promise<DecisionRow[]> {
      return await db.select().from(approvalDecisions)
        .where(and(eq(approvalDecisions.organizationId, orgId), eq(approvalDecisions.requestId, requestId)))
        .orderBy(asc(approvalDecisions.createdAt), asc(approvalDecisions.id))
    },

    /** The item's current status and revision, and the snapshot of the revision under review. */
    async itemAt (orgId: string, itemId: string, revision: number, db: Database) {
      const [row] = await db.select({ id: contentItems.id, brandId: contentItems.brandId, status: contentItems.status, revision: contentItems.revision, snapshot: contentRevisions.snapshot })
        .from(contentItems)
        .leftJoin(contentRevisions, and(eq(contentRevisions.contentItemId, contentItems.id), eq(contentRevisions.organizationId, contentItems.organizationId), eq(contentRevisions.revision, revision)))
        .where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, itemId)))
      return row
    },

    async accounts (orgId: string, ids: readonly string[], db: Database) {
      if (ids.length === 0) return []
      return await db.select({ id: socialAccounts.id, platform: socialAccounts.platform, handle: socialAccounts.handle, displayName: socialAccounts.displayName })
        .from(socialAccounts).where(and(eq(socialAccounts.organizationId, orgId), inArray(socialAccounts.id, [...ids])))
    },

    /** When this link last recorded a view of its request (for throttling the view event). */
    async lastViewedAt (orgId: string, requestId: string, linkId: string, db: Database): Promise<Date | null> {
      const [row] = await db.select({ at: sql<Date | null>`max(${events.createdAt})` }).from(events)
        .where(and(eq(events.organizationId, orgId), eq(events.subjectId, requestId), eq(events.type, 'guest_review.viewed'), eq(events.actorId, linkId)))
      return row?.at ? new Date(row.at) : null
    },

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
      const page = keyset(args)
      const rows = await db.select().from(approvalGuestLinks)
        .where(andAll(eq(approvalGuestLinks.organizationId, orgId), eq(approvalGuestLinks.requestId, requestId), page.where))
        .orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args, (r) => r.createdAt)
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
