import { and, arrayContains, asc, eq, getTableColumns, gte, lt, notInArray, sql, type SQL } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import { prepared, type Database } from '../../db/client.js'
import { asParam, type Bind } from '../../db/bind.js'
import { brandScope, deferInsert, insertKnown, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CountedPage, type CursorCodec } from '../../lib/pagination.js'
import { preparedPages, preparedPerParent } from '../../lib/page-statements.js'
import { contentItems, contentTargets, type MediaItem } from '../../db/tables/content-items.js'
import type { ContentFilters, ContentItemListQuery, NestedContentQuery } from './content-items.schemas.js'
import { goesToPlatform, targetsFor, targetsJson } from './content-items.queries.js'

export type ContentItemRow = typeof contentItems.$inferSelect
export type NewContentItemRow = Omit<typeof contentItems.$inferInsert, 'organizationId'>
import type { TargetRow } from './content-items.queries.js'
import { rangeWhere } from '../../lib/time-range.js'
export type { TargetRow }
export interface TargetValues { socialAccountId: string, body: string | null, media: MediaItem[] | null, firstComment: string | null }

const SORT_COLUMNS = { createdAt: contentItems.createdAt, updatedAt: contentItems.updatedAt, scheduledAt: contentItems.scheduledAt, title: contentItems.title }

/** Items without a time sort last either way. */
const NULLABLE = ['scheduledAt']

/**
 * The WHERE of every list: filters plus the brands a limited credential may see. `bind` says
 * where each value goes (see src/db/bind.ts): a parameter of this call's statement, or a
 * placeholder of the list's statement built once per shape (listWithTargets).
 */
export function filterWhere (f: Partial<ContentFilters> & { brandId?: string }, visibleBrands: readonly string[] | null, bind: Bind = asParam): SQL | undefined {
  return andAll(
    f.brandId ? eq(contentItems.brandId, bind('brandId', f.brandId)) : undefined,
    brandScope(contentItems.brandId, visibleBrands, bind),
    f.campaignId ? eq(contentItems.campaignId, bind('campaignId', f.campaignId)) : undefined,
    f.status ? eq(contentItems.status, bind('status', f.status)) : undefined,
    f.kind ? eq(contentItems.kind, bind('kind', f.kind)) : undefined,
    f.assigneeId ? eq(contentItems.assigneeId, bind('assigneeId', f.assigneeId)) : undefined,
    f.label ? arrayContains(contentItems.labels, bind('label', [f.label])) : undefined,
    f.platform
      ? goesToPlatform(bind('platform', f.platform))
      : undefined,
    f.scheduledAtFrom ? gte(contentItems.scheduledAt, bind('scheduledAtFrom', new Date(f.scheduledAtFrom))) : undefined,
    f.scheduledAtTo ? sql`${contentItems.scheduledAt} <= ${bind('scheduledAtTo', new Date(f.scheduledAtTo))}` : undefined,
    rangeWhere(contentItems, f, bind)
  )
}

/**
 * The columns of a "light" item: what a nested GraphQL page needs when its query reads only
 * these (and the fields the loaders key on), not the content itself (body, media, hashtags…).
 * The sort columns are all here: a page's cursors are made from them.
 */
export const LIGHT_COLUMNS = {
  id: contentItems.id,
  organizationId: contentItems.organizationId,
  brandId: contentItems.brandId,
  campaignId: contentItems.campaignId,
  title: contentItems.title,
  kind: contentItems.kind,
  status: contentItems.status,
  revision: contentItems.revision,
  version: contentItems.version,
  scheduledAt: contentItems.scheduledAt,
  createdAt: contentItems.createdAt,
  updatedAt: contentItems.updatedAt
}
export type LightContentItemRow = Pick<ContentItemRow, keyof typeof LIGHT_COLUMNS>
export type LightColumn = keyof typeof LIGHT_COLUMNS

const itemWithTargets = prepared<ContentItemRow & { targets: TargetRow[] }>((db) => db.select({ ...getTableColumns(contentItems), targets: targetsJson }).from(contentItems)
  .where(and(eq(contentItems.organizationId, sql.placeholder('orgId')), eq(contentItems.id, sql.placeholder('id')))))

const listPages = preparedPages<typeof contentItems, ContentItemRow & { targets: TargetRow[] }>(contentItems, { ...getTableColumns(contentItems), targets: targetsJson.as('targets') })
/** GraphQL's root connection (Query.contentItems): the rows alone, their targets read per field. */
const rowPages = preparedPages<typeof contentItems, ContentItemRow>(contentItems, getTableColumns(contentItems))

/** A nested connection's pages (Brand.contentItems, Campaign.contentItems), whole rows or LIGHT_COLUMNS. */
const pagesPerParent = preparedPerParent<typeof contentItems, ContentItemRow>(contentItems, getTableColumns(contentItems))
const lightPagesPerParent = preparedPerParent<typeof contentItems, LightContentItemRow>(contentItems, LIGHT_COLUMNS)

export function createContentItemsRepository (codec: CursorCodec) {
  return {
    // findById takes { lock: true } for writers: a concurrent edit waits, then sees this one's result.
    ...versionedRows(contentItems),

    /** Items by id under their row locks (FOR UPDATE), for set-based status moves. */
    async findManyLocked (orgId: string, ids: readonly string[], db: Database): Promise<ContentItemRow[]> {
      if (ids.length === 0) return []
      return await db.select().from(contentItems).where(and(eq(contentItems.organizationId, orgId), anyOf(contentItems.id, [...ids]))).for('update')
    },

    /**
     * Moves many items to `to` in ONE guarded statement: each only while its status is still the
     * one read (+1 version, updatedAt now, as a versioned update); the rows that moved.
     */
    async moveStatus (orgId: string, list: ReadonlyArray<{ id: string, from: string }>, to: string, db: Database): Promise<ContentItemRow[]> {
      if (list.length === 0) return []
      return await db.update(contentItems)
        .set({ status: to as ContentItemRow['status'], version: sql`${contentItems.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(contentItems.organizationId, orgId),
          sql`(${contentItems.id}, ${contentItems.status}::text) IN (SELECT * FROM unnest(${sql.param(list.map((m) => m.id))}::uuid[], ${sql.param(list.map((m) => m.from))}::text[]))`))
        .returning()
    },

    /**
     * A page of items; with `withTotal` (see selectPage), also how many match, in the same
     * statement. Built once per shape, as the REST list is.
     */
    async list (orgId: string, q: ContentItemListQuery, visibleBrands: readonly string[] | null, db: Database): Promise<CountedPage<ContentItemRow>> {
      const args = { orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, nullable: NULLABLE, idColumn: contentItems.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) }
      return await rowPages(db, args, (bind) => andAll(eq(contentItems.organizationId, bind('orgId', orgId)), filterWhere(q, visibleBrands, bind)))
    },

    /**
     * The same page with every item's targets, in one statement (with its total when asked):
     * the REST list, built once per shape (which filters, sort, cursor) and run with the
     * call's values.
     */
    async listWithTargets (orgId: string, q: ContentItemListQuery, visibleBrands: readonly string[] | null, db: Database): Promise<CountedPage<ContentItemRow & { targets: TargetRow[] }>> {
      const args = { orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, nullable: NULLABLE, idColumn: contentItems.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) }
      return await listPages(db, args, (bind) => andAll(eq(contentItems.organizationId, bind('orgId', orgId)), filterWhere(q, visibleBrands, bind)))
    },

    /** One item with its targets, in one statement. */
    async findWithTargets (orgId: string, id: string, db: Database): Promise<(ContentItemRow & { targets: TargetRow[] }) | undefined> {
      const [row] = await itemWithTargets(db, { orgId, id })
      return row
    },

    /**
     * A page of items per brand or per campaign, for all of them in one statement; with
     * `light`, only these of LIGHT_COLUMNS (a query that reads nothing else of the items; the id
     * and the sort's column always).
     */
    async perParent (orgId: string, parent: 'brand' | 'campaign', parentIds: readonly string[], q: NestedContentQuery, visibleBrands: readonly string[] | null, db: Database, light?: readonly LightColumn[]) {
      const args = {
        orgId,
        sort: parseSort(q.sort),
        columns: SORT_COLUMNS,
        nullable: NULLABLE,
        idColumn: contentItems.id,
        cursor: q.cursor,
        limit: q.limit,
        codec,
        parentColumn: parent === 'brand' ? contentItems.brandId : contentItems.campaignId,
        parentIds,
        withTotal: wantsTotal(q),
        orgColumn: contentItems.organizationId
      }
      const where = (bind: Bind) => filterWhere(q, visibleBrands, bind)
      return light ? await lightPagesPerParent(db, args, where, light) : await pagesPerParent(db, args, where)
    },

    /** Items of a brand whose time is in [from, to), in time order (the calendar). */
    /** A brand's items scheduled in [from, to), each with its targets, the first `max` by time. */
    async between (orgId: string, brandId: string, from: Date, to: Date, f: Partial<ContentFilters>, max: number, db: Database): Promise<Array<ContentItemRow & { targets: TargetRow[] }>> {
      return await db.select({ ...getTableColumns(contentItems), targets: targetsJson }).from(contentItems).where(andAll(
        eq(contentItems.organizationId, orgId),
        eq(contentItems.brandId, brandId),
        gte(contentItems.scheduledAt, from),
        lt(contentItems.scheduledAt, to),
        filterWhere(f, null),
        // Archived items stay off the calendar unless asked for.
        f.status ? undefined : sql`${contentItems.status} <> 'archived'`
      )).orderBy(asc(contentItems.scheduledAt), asc(contentItems.id)).limit(max)
    },

    /** A brand's items, locked (its deletion is deciding about them): drafts, and how many are not. */
    async ofBrandForDeletion (orgId: string, brandId: string, db: Database): Promise<{ drafts: ContentItemRow[], others: number }> {
      const rows = await db.select().from(contentItems).where(and(eq(contentItems.organizationId, orgId), eq(contentItems.brandId, brandId))).for('update')
      return { drafts: rows.filter((r) => r.status === 'draft'), others: rows.filter((r) => r.status !== 'draft').length }
    },

    /** The new items as stored; their INSERT travels with COMMIT when it can (insertKnown). */
    async insertMany (orgId: string, values: NewContentItemRow[], db: Database): Promise<ContentItemRow[]> {
      if (values.length === 0) return []
      return await insertKnown(db, contentItems, values.map((v) => ({ ...v, organizationId: orgId })))
    },

    /** Whether any item still goes to this social account. */
    async targetsAccount (orgId: string, accountId: string, db: Database): Promise<boolean> {
      const rows = await db.select({ one: sql<number>`1` }).from(contentTargets)
        .where(and(eq(contentTargets.organizationId, orgId), eq(contentTargets.socialAccountId, accountId))).limit(1)
      return rows.length > 0
    },

    targetsFor,

    /** Targets of many new items in one deferred statement (see deferInsert); the caller chose their ids. */
    async insertTargets (orgId: string, byItem: Array<{ itemId: string, targets: Array<TargetValues & { id: string }> }>, db: Database): Promise<void> {
      const values = byItem.flatMap(({ itemId, targets }) => targets.map((t, position) => ({ ...t, position, contentItemId: itemId, organizationId: orgId })))
      await deferInsert(db, contentTargets, values)
    },

    /** Replaces an item's targets; a target whose account stays listed keeps its id. */
    async replaceTargets (orgId: string, itemId: string, targets: TargetValues[], db: Database): Promise<void> {
      const keep = targets.map((t) => t.socialAccountId)
      await db.delete(contentTargets).where(andAll(
        eq(contentTargets.organizationId, orgId),
        eq(contentTargets.contentItemId, itemId),
        keep.length ? notInArray(contentTargets.socialAccountId, keep) : undefined
      ))
      if (targets.length === 0) return
      await db.insert(contentTargets)
        .values(targets.map((t, position) => ({ ...t, position, contentItemId: itemId, organizationId: orgId })))
        .onConflictDoUpdate({
          target: [contentTargets.contentItemId, contentTargets.socialAccountId],
          set: { position: sql`excluded.position`, body: sql`excluded.body`, media: sql`excluded.media`, firstComment: sql`excluded.first_comment` }
        })
    }
  }
}
export type ContentItemsRepository = ReturnType<typeof createContentItemsRepository>
