import { and, eq, getTableColumns } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { deferInsert } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { preparedPerParent, selectPage } from '../../lib/page-statements.js'
import { contentRevisions } from '../../db/tables/content-items.js'

export type RevisionRow = typeof contentRevisions.$inferSelect
export type NewRevisionRow = Omit<typeof contentRevisions.$inferInsert, 'organizationId' | 'id' | 'createdAt'>

export interface RevisionPageQuery { limit: number, cursor?: string, sort: string }

// Revision numbers grow with time within an item, so both sorts run on the number: two edits
// in one transaction share now() but never a number.
const SORT_COLUMNS = { createdAt: contentRevisions.revision, revision: contentRevisions.revision }

// ContentItem.revisions: its statement built once per shape (and prepared by each connection).
const pagesPerItem = preparedPerParent<typeof contentRevisions, RevisionRow>(contentRevisions, getTableColumns(contentRevisions), (r) => r.revision)

export function createContentRevisionsRepository (codec: CursorCodec) {
  const pageArgs = (orgId: string, q: RevisionPageQuery) =>
    ({ orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, idColumn: contentRevisions.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) })

  return {
    /** Deferred (see deferInsert): nobody waits for a revision's row. */
    async insertMany (orgId: string, rows: NewRevisionRow[], db: Database): Promise<void> {
      await deferInsert(db, contentRevisions, rows.map((r) => ({ ...r, organizationId: orgId })))
    },

    async list (orgId: string, itemId: string, q: RevisionPageQuery, db: Database): Promise<Page<RevisionRow>> {
      const args = pageArgs(orgId, q)
      return await selectPage(db, contentRevisions, { ...args, withTotal: wantsTotal(q) }, andAll(eq(contentRevisions.organizationId, orgId), eq(contentRevisions.contentItemId, itemId)), (r) => r.revision)
    },

    async findById (orgId: string, id: string, db: Database): Promise<RevisionRow | undefined> {
      const [row] = await db.select().from(contentRevisions).where(and(eq(contentRevisions.organizationId, orgId), eq(contentRevisions.id, id)))
      return row
    },

    async get (orgId: string, itemId: string, revisions: readonly number[], db: Database): Promise<RevisionRow[]> {
      if (revisions.length === 0) return []
      return await db.select().from(contentRevisions).where(and(
        eq(contentRevisions.organizationId, orgId),
        eq(contentRevisions.contentItemId, itemId),
        anyOf(contentRevisions.revision, [...revisions])
      ))
    },

    /** ContentItem.revisions for a page of items in one statement. */
    async perItem (orgId: string, itemIds: readonly string[], q: RevisionPageQuery, db: Database): Promise<Map<string, Page<RevisionRow>>> {
      const args = { ...pageArgs(orgId, q), parentColumn: contentRevisions.contentItemId, parentIds: itemIds, orgColumn: contentRevisions.organizationId }
      return await pagesPerItem(db, args, () => undefined)
    }
  }
}
export type ContentRevisionsRepository = ReturnType<typeof createContentRevisionsRepository>
