import { and, asc, eq, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { approvalDecisions, approvalRequests } from '../../db/tables/approval-requests.js'
import { contentItems, contentRevisions } from '../../db/tables/content-items.js'
import { socialAccounts } from '../../db/tables/social-accounts.js'
import { events } from '../../db/tables/events.js'

// Read-only: what a guest's review page shows of rows other modules own (the request and its
// decisions, the item as submitted, its accounts, the guest's own views). A guest actor has no
// permission at all, so these reads are confined by the link's grant in the service instead.

export type RequestRow = typeof approvalRequests.$inferSelect
export type DecisionRow = typeof approvalDecisions.$inferSelect

/**
 * The guest link a token names, with its request's item and brand (the credential look-up,
 * sent with BEGIN: the claims are UUIDs, checked when the token was verified).
 */
export const guestLinkLookupSql = (claims: { jti: string, req: string, org: string }) =>
  `SELECT l.email, l.revoked_at, l.expires_at <= now() AS expired, l.last_used_at, r.content_item_id, r.brand_id
     FROM approval_guest_links l JOIN approval_requests r ON r.id = l.request_id AND r.organization_id = l.organization_id
    WHERE l.id = '${claims.jti}' AND l.request_id = '${claims.req}' AND l.organization_id = '${claims.org}'`

export function createGuestReviewQueries () {
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
        .from(socialAccounts).where(and(eq(socialAccounts.organizationId, orgId), anyOf(socialAccounts.id, [...ids])))
    },

    /** When this link last recorded a view of its request (for throttling the view event). */
    async lastViewedAt (orgId: string, requestId: string, linkId: string, db: Database): Promise<Date | null> {
      const [row] = await db.select({ at: sql<Date | null>`max(${events.createdAt})` }).from(events)
        .where(and(eq(events.organizationId, orgId), eq(events.subjectId, requestId), eq(events.type, 'guest_review.viewed'), eq(events.actorId, linkId)))
      return row?.at ? new Date(row.at) : null
    }
  }
}
export type GuestReviewQueries = ReturnType<typeof createGuestReviewQueries>
