import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { contentItems, contentRevisions } from '../../db/tables/content-items.js'
import { approvalRequests } from '../../db/tables/approval-requests.js'

// Read-only: what approvals need of rows other modules own. The content item a decision is
// about is read under its row lock (FOR UPDATE: a lock, not a write) so that a decision and an
// edit of the item run one after the other; who may decide now reads memberships; an item's
// approval reads the snapshots of two of its revisions. Only the owners write those rows.

/** What deciding needs to know about the item, read under its row lock. */
export interface LockedItem { id: string, brandId: string, status: string, revision: number, createdById: string | null }

export function createApprovalRequestsQueries () {
  return {
    /**
     * Locks the content item's row (SELECT … FOR UPDATE), as every writer of content does, so
     * a decision and an edit of the same item run one after the other. Deciding locks the item
     * before the request, in the same order as an edit (item, then its request in a hook), so
     * the two never deadlock.
     */
    async lockItem (orgId: string, itemId: string, db: Database): Promise<LockedItem | undefined> {
      const [row] = await db.select({ id: contentItems.id, brandId: contentItems.brandId, status: contentItems.status, revision: contentItems.revision, createdById: contentItems.createdById })
        .from(contentItems).where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, itemId))).for('update')
      return row
    },

    /** The item's brand and revision, for reading its approval. */
    async itemSummary (orgId: string, itemId: string, db: Database): Promise<{ id: string, brandId: string, revision: number } | undefined> {
      const [row] = await db.select({ id: contentItems.id, brandId: contentItems.brandId, revision: contentItems.revision })
        .from(contentItems).where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, itemId)))
      return row
    },

    /**
     * The snapshots of the item's current revision and of the revision its latest approval
     * request is about (one row when they are the same), read without knowing either number:
     * GET …/approval sends it beside the item and its latest request, in one round trip.
     */
    async approvalSnapshots (orgId: string, itemId: string, db: Database): Promise<Map<number, Record<string, unknown>>> {
      const rows = await db.select({ revision: contentRevisions.revision, snapshot: contentRevisions.snapshot }).from(contentRevisions).where(and(
        eq(contentRevisions.organizationId, orgId),
        eq(contentRevisions.contentItemId, itemId),
        sql`${contentRevisions.revision} IN (
          (SELECT i.revision FROM content_items i WHERE i.organization_id = ${orgId} AND i.id = ${itemId}),
          (SELECT r.revision FROM approval_requests r WHERE r.organization_id = ${orgId} AND r.content_item_id = ${itemId} ORDER BY r.created_at DESC, r.id DESC LIMIT 1))`))
      return new Map(rows.map((r) => [r.revision, r.snapshot as Record<string, unknown>]))
    },

    /**
     * The member may decide at the request's current step now: frozen among its deciders, still
     * holding one of its roles or named in it, still able to see the brand, active, and not yet
     * decided at that step (a condition for the list of requests).
     */
    mayDecideNow (orgId: string, memberId: string): SQL {
      const step = sql`(${approvalRequests.steps} -> ${approvalRequests.currentStep})`
      return sql`(${approvalRequests.status} = 'open'
        AND ${step} -> 'eligibleMemberIds' ? ${memberId}
        AND EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = ${orgId} AND m.id = ${memberId} AND m.status = 'active'
          AND (m.brand_ids IS NULL OR ${approvalRequests.brandId} = ANY (m.brand_ids))
          AND (${step} -> 'roles' ? m.role::text OR ${step} -> 'memberIds' ? m.id::text))
        AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.organization_id = ${orgId} AND d.request_id = ${approvalRequests.id}
          AND d.step = ${approvalRequests.currentStep} AND d.actor_type = 'member' AND d.actor_id = ${memberId}))`
    }
  }
}
export type ApprovalRequestsQueries = ReturnType<typeof createApprovalRequestsQueries>
