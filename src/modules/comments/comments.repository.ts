import { eq, getTableColumns, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { versionedRows } from '../../db/tenant-rows.js'
import { asParam, type Bind } from '../../db/bind.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { preparedPerParent, selectPage } from '../../lib/page-statements.js'
import { contentComments } from '../../db/tables/comments.js'
import type { CommentVisibility } from './comments.schemas.js'
import { rangeWhere, type TimeRanges } from '../../lib/time-range.js'

export type CommentRow = typeof contentComments.$inferSelect
export type NewCommentRow = Omit<typeof contentComments.$inferInsert, 'organizationId' | 'id' | 'createdAt' | 'updatedAt' | 'version'>

/** ContentItem.comments: a page per item in one statement, built once per shape (and prepared by each connection). */
const pagesPerItem = preparedPerParent<typeof contentComments, CommentRow>(contentComments, getTableColumns(contentComments))

export interface CommentPageQuery extends TimeRanges { limit: number, cursor?: string, sort: string, visibility?: CommentVisibility }

export function createCommentsRepository (codec: CursorCodec) {
  const pageArgs = (orgId: string, q: CommentPageQuery) =>
    ({ orgId, sort: parseSort(q.sort), columns: { createdAt: contentComments.createdAt }, idColumn: contentComments.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) })

  /** Internal comments are left out for readers who may not see them (clients, guests). `bind` says how a value is sent (prepared shapes bind them all). */
  const visibleTo = (q: CommentPageQuery, internal: boolean, bind: Bind = asParam) => andAll(
    q.visibility ? eq(contentComments.visibility, bind('visibility', q.visibility)) : undefined,
    // Bound, not written as a literal: a prepared shape is told apart by what it binds, so the
    // clause must show in its key (a client's page must never reuse a staff member's statement).
    internal ? undefined : eq(contentComments.visibility, bind('sharedOnly', 'shared')),
    rangeWhere(contentComments, q, bind)
  )

  const versioned = versionedRows(contentComments)
  return {
    async list (orgId: string, itemId: string, q: CommentPageQuery, internal: boolean, db: Database): Promise<Page<CommentRow>> {
      const args = pageArgs(orgId, q)
      return await selectPage(db, contentComments, { ...args, withTotal: wantsTotal(q) }, andAll(eq(contentComments.organizationId, orgId), eq(contentComments.contentItemId, itemId), visibleTo(q, internal)))
    },

    /** ContentItem.comments for a page of items in one statement. */
    async perItem (orgId: string, itemIds: readonly string[], q: CommentPageQuery, internal: boolean, db: Database): Promise<Map<string, Page<CommentRow>>> {
      const args = { ...pageArgs(orgId, q), parentColumn: contentComments.contentItemId, parentIds: itemIds, orgColumn: contentComments.organizationId }
      return await pagesPerItem(db, args, (bind) => visibleTo(q, internal, bind))
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
