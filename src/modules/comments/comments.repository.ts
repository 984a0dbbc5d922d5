import { eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { versionedRows } from '../../db/tenant-rows.js'
import { andAll, keysetPerParent, parseSort, selectPage, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { contentComments } from '../../db/tables/comments.js'
import type { CommentVisibility } from './comments.schemas.js'
import { rangeWhere, type TimeRanges } from '../../lib/time-range.js'

export type CommentRow = typeof contentComments.$inferSelect
export type NewCommentRow = Omit<typeof contentComments.$inferInsert, 'organizationId' | 'id' | 'createdAt' | 'updatedAt' | 'version'>

export interface CommentPageQuery extends TimeRanges { limit: number, cursor?: string, sort: string, visibility?: CommentVisibility }

export function createCommentsRepository (codec: CursorCodec) {
  const pageArgs = (orgId: string, q: CommentPageQuery) =>
    ({ orgId, sort: parseSort(q.sort), columns: { createdAt: contentComments.createdAt }, idColumn: contentComments.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) })

  /** Internal comments are left out for readers who may not see them (clients, guests). */
  const visibleTo = (q: CommentPageQuery, internal: boolean) => andAll(
    q.visibility ? eq(contentComments.visibility, q.visibility) : undefined,
    internal ? undefined : eq(contentComments.visibility, 'shared'),
    rangeWhere(contentComments, q)
  )

  const versioned = versionedRows(contentComments)
  return {
    async list (orgId: string, itemId: string, q: CommentPageQuery, internal: boolean, db: Database): Promise<Page<CommentRow>> {
      const args = pageArgs(orgId, q)
      return await selectPage(db, contentComments, { ...args, withTotal: wantsTotal(q) }, andAll(eq(contentComments.organizationId, orgId), eq(contentComments.contentItemId, itemId), visibleTo(q, internal)))
    },

    /** ContentItem.comments for a page of items in one statement. */
    async perItem (orgId: string, itemIds: readonly string[], q: CommentPageQuery, internal: boolean, db: Database): Promise<Map<string, Page<CommentRow>>> {
      const args = { ...pageArgs(orgId, q), parentColumn: contentComments.contentItemId, parentIds: itemIds, orgColumn: contentComments.organizationId, where: visibleTo(q, internal) }
      return await keysetPerParent<typeof contentComments, CommentRow>(db, contentComments, args)
    },

    async insert (orgId: string, row: NewCommentRow, db: Database): Promise<CommentRow> {
      const [inserted] = await db.insert(contentComments).values({ ...row, organizationId: orgId }).returning()
      return inserted
    },

    /** Compare-and-set on the version; every edit stamps editedAt. */
    async update (orgId: string, id: string, version: number, patch: { body?: string, visibility?: CommentVisibility, mentions?: string[] }, db: Database): Promise<CommentRow | undefined> {
      return await versioned.update(orgId, id, version, { ...patch, editedAt: sql`now()` as unknown as Date }, db)
    },

    delete: versioned.delete
  }
}
export type CommentsRepository = ReturnType<typeof createCommentsRepository>
