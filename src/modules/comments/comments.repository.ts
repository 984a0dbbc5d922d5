import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, keysetPerParent, parseSort, toPage, type CursorCodec, type Page } from '../../lib/pagination.js'
import { contentItems } from '../../db/tables/content-items.js'
import { contentComments } from '../../db/tables/comments.js'
import type { CommentVisibility } from './comments.schemas.js'

export type CommentRow = typeof contentComments.$inferSelect
export type NewCommentRow = Omit<typeof contentComments.$inferInsert, 'organizationId' | 'id' | 'createdAt' | 'updatedAt' | 'version'>

/** What commenting needs to know about an item: its brand (for grants) and its revision. */
export interface ItemRef { id: string, brandId: string, revision: number }

export interface CommentPageQuery { limit: number, cursor?: string, sort: string, visibility?: CommentVisibility }

export function createCommentsRepository (codec: CursorCodec) {
  const pageArgs = (orgId: string, q: CommentPageQuery) =>
    ({ orgId, sort: parseSort(q.sort), columns: { createdAt: contentComments.createdAt }, idColumn: contentComments.id, cursor: q.cursor, limit: q.limit, codec })

  /** Internal comments are left out for readers who may not see them (clients, guests). */
  const visibleTo = (q: CommentPageQuery, internal: boolean) => andAll(
    q.visibility ? eq(contentComments.visibility, q.visibility) : undefined,
    internal ? undefined : eq(contentComments.visibility, 'shared')
  )

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
    },

    async list (orgId: string, itemId: string, q: CommentPageQuery, internal: boolean, db: Database): Promise<Page<CommentRow>> {
      const args = pageArgs(orgId, q)
      const page = keyset(args)
      const rows = await db.select().from(contentComments)
        .where(andAll(eq(contentComments.organizationId, orgId), eq(contentComments.contentItemId, itemId), visibleTo(q, internal), page.where))
        .orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args, (r) => r.createdAt)
    },

    /** ContentItem.comments for a page of items in one statement. */
    async perItem (orgId: string, itemIds: readonly string[], q: CommentPageQuery, internal: boolean, db: Database): Promise<Map<string, Page<CommentRow>>> {
      const args = { ...pageArgs(orgId, q), parentColumn: contentComments.contentItemId, parentIds: itemIds, orgColumn: contentComments.organizationId, where: visibleTo(q, internal) }
      return await keysetPerParent<typeof contentComments, CommentRow>(db, contentComments, args, (r) => r.createdAt)
    },

    async insert (orgId: string, row: NewCommentRow, db: Database): Promise<CommentRow> {
      const [inserted] = await db.insert(contentComments).values({ ...row, organizationId: orgId }).returning()
      return inserted
    },

    /** Compare-and-set on the version; every edit stamps editedAt. */
    async update (orgId: string, id: string, version: number, patch: { body?: string, visibility?: CommentVisibility, mentions?: string[] }, db: Database): Promise<CommentRow | undefined> {
      const [row] = await db.update(contentComments)
        .set({ ...patch, editedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${contentComments.version} + 1` })
        .where(and(eq(contentComments.organizationId, orgId), eq(contentComments.id, id), eq(contentComments.version, version)))
        .returning()
      return row
    },

    async delete (orgId: string, id: string, version: number, db: Database): Promise<boolean> {
      const rows = await db.delete(contentComments)
        .where(and(eq(contentComments.organizationId, orgId), eq(contentComments.id, id), eq(contentComments.version, version)))
        .returning({ id: contentComments.id })
      return rows.length > 0
    }
  }
}
export type CommentsRepository = ReturnType<typeof createCommentsRepository>
