import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { contentItems } from '../../db/tables/content-items.js'
import { contentComments } from '../../db/tables/comments.js'
import type { CommentRow } from './comments.repository.js'

// Read-only: what commenting needs of the content items it hangs on (their brand, for grants,
// and their revision). The content module owns the items.

/** What commenting needs to know about an item: its brand (for grants) and its revision. */
export interface ItemRef { id: string, brandId: string, revision: number }

export function createCommentsQueries () {
  return {
    async findItem (orgId: string, id: string, db: Database): Promise<ItemRef | undefined> {
      const [row] = await db.select({ id: contentItems.id, brandId: contentItems.brandId, revision: contentItems.revision })
        .from(contentItems).where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, id)))
      return row
    },

    /** The comment and its item's brand, in one statement. */
    async findById (orgId: string, id: string, db: Database): Promise<(CommentRow & { brandId: string }) | undefined> {
      const [row] = await db.select({ comment: contentComments, brandId: contentItems.brandId })
        .from(contentComments)
        .innerJoin(contentItems, and(eq(contentItems.id, contentComments.contentItemId), eq(contentItems.organizationId, contentComments.organizationId)))
        .where(and(eq(contentComments.organizationId, orgId), eq(contentComments.id, id)))
      return row ? { ...row.comment, brandId: row.brandId } : undefined
    }
  }
}
export type CommentsQueries = ReturnType<typeof createCommentsQueries>
