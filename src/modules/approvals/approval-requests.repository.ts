import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, keysetPerParent, parseSort, toPage, type CursorCodec, type KeysetArgs, type Page } from '../../lib/pagination.js'
import { contentItems } from '../../db/tables/content-items.js'
import type { FrozenStep } from './approval-engine.js'
import { type ApprovalStep } from '../../db/tables/brands.js'
import { approvalDecisions, approvalRequests } from '../../db/tables/approval-requests.js'
import type { ApprovalRequestListQuery, ItemApprovalRequestsQuery } from './approval-requests.schemas.js'

export type ApprovalRequestRow = Omit<typeof approvalRequests.$inferSelect, 'steps'> & { steps: FrozenStep[] }
export type ApprovalDecisionRow = typeof approvalDecisions.$inferSelect
type NewRequestRow = Omit<typeof approvalRequests.$inferInsert, 'organizationId' | 'steps'> & { steps: FrozenStep[] }
type NewDecisionRow = Omit<typeof approvalDecisions.$inferInsert, 'organizationId'>

/** What deciding needs to know about the item, read under its row lock. */
export interface LockedItem { id: string, brandId: string, status: string, revision: number, createdById: string | null }

// The steps column is typed as policy steps; requests store them frozen (with their deciders).
const asRequest = (row: typeof approvalRequests.$inferSelect): ApprovalRequestRow => row as unknown as ApprovalRequestRow
const asStored = (steps: FrozenStep[]) => steps as unknown as ApprovalStep[]

/**
 * Keyset on dueAt, which may be null: requests without a due date come last in both
 * directions (as content items without a time do), so the next page cannot be a plain row
 * comparison, which is never true against NULL.
 */
function dueKeyset (descending: boolean, cursor: [string | null, string] | undefined): { where: SQL | undefined, orderBy: SQL[] } {
  const col = approvalRequests.dueAt
  const id = approvalRequests.id
  const orderBy = descending ? [sql`${col} desc nulls last`, desc(id)] : [sql`${col} asc nulls last`, asc(id)]
  if (!cursor) return { where: undefined, orderBy }
  const [value, lastId] = cursor
  const after = descending ? lt(id, lastId) : gt(id, lastId)
  if (value === null) return { where: and(isNull(col), after), orderBy }
  const at = new Date(value)
  return { where: or(descending ? lt(col, at) : gt(col, at), and(eq(col, at), after), isNull(col)), orderBy }
}

/** A request is overdue while it is open and its due date has passed (at query time). */
const overdueSql = sql`(${approvalRequests.status} = 'open' AND ${approvalRequests.dueAt} < now())`

export function createApprovalRequestsRepository (codec: CursorCodec) {
  return {
    async insert (orgId: string, v: NewRequestRow, db: Database): Promise<ApprovalRequestRow> {
      const [row] = await db.insert(approvalRequests).values({ ...v, steps: asStored(v.steps), organizationId: orgId }).returning()
      return asRequest(row)
    },

    async findById (orgId: string, id: string, db: Database, opts: { lock?: boolean } = {}): Promise<ApprovalRequestRow | undefined> {
      const q = db.select().from(approvalRequests).where(and(eq(approvalRequests.organizationId, orgId), eq(approvalRequests.id, id)))
      const [row] = opts.lock ? await q.for('update') : await q
      return row && asRequest(row)
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<ApprovalRequestRow[]> {
      if (ids.length === 0) return []
      return (await db.select().from(approvalRequests).where(and(eq(approvalRequests.organizationId, orgId), inArray(approvalRequests.id, [...ids])))).map(asRequest)
    },

    /** The newest request of each item (an open one is always the newest: one open per item). */
    async latestForItems (orgId: string, itemIds: readonly string[], db: Database): Promise<Map<string, ApprovalRequestRow>> {
      if (itemIds.length === 0) return new Map()
      const rows = await db.selectDistinctOn([approvalRequests.contentItemId]).from(approvalRequests)
        .where(and(eq(approvalRequests.organizationId, orgId), inArray(approvalRequests.contentItemId, [...itemIds])))
        .orderBy(approvalRequests.contentItemId, desc(approvalRequests.createdAt), desc(approvalRequests.id))
      return new Map(rows.map((r) => [r.contentItemId, asRequest(r)]))
    },

    /** onlyBrandIds: the caller's granted brands (null: every brand). */
    async list (orgId: string, q: ApprovalRequestListQuery, onlyBrandIds: readonly string[] | null, db: Database): Promise<Page<ApprovalRequestRow>> {
      const sort = parseSort(q.sort)
      const args: KeysetArgs = { orgId, sort, columns: { createdAt: approvalRequests.createdAt }, idColumn: approvalRequests.id, cursor: q.cursor, limit: q.limit, codec }
      let where: SQL | undefined
      let orderBy: SQL[]
      if (sort.field === 'dueAt') {
        const dued = dueKeyset(sort.desc, q.cursor ? codec.decode(orgId, sort.key, q.cursor) as [string | null, string] : undefined)
        where = dued.where
        orderBy = dued.orderBy
      } else {
        const page = keyset(args)
        where = page.where
        orderBy = page.orderBy
      }
      const rows = await db.select().from(approvalRequests).where(andAll(
        eq(approvalRequests.organizationId, orgId),
        onlyBrandIds ? (onlyBrandIds.length ? inArray(approvalRequests.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        q.brandId ? eq(approvalRequests.brandId, q.brandId) : undefined,
        q.contentItemId ? eq(approvalRequests.contentItemId, q.contentItemId) : undefined,
        q.status ? eq(approvalRequests.status, q.status) : undefined,
        q.step !== undefined ? eq(approvalRequests.currentStep, q.step) : undefined,
        q.approverId ? mayDecideNow(orgId, q.approverId) : undefined,
        q.overdue === true ? overdueSql : undefined,
        q.overdue === false ? sql`(${approvalRequests.dueAt} IS NULL OR NOT ${overdueSql})` : undefined,
        where
      )).orderBy(...orderBy).limit(q.limit + 1)
      return toPage(rows.map(asRequest), args, (r) => (sort.field === 'dueAt' ? r.dueAt : r.createdAt))
    },

    /** ContentItem.approvalRequests for a page of items, in one statement. */
    async perItem (orgId: string, itemIds: readonly string[], q: ItemApprovalRequestsQuery, db: Database): Promise<Map<string, Page<ApprovalRequestRow>>> {
      const args = {
        orgId,
        sort: parseSort(q.sort),
        columns: { createdAt: approvalRequests.createdAt },
        idColumn: approvalRequests.id,
        cursor: q.cursor,
        limit: q.limit,
        codec,
        parentColumn: approvalRequests.contentItemId,
        parentIds: itemIds,
        orgColumn: approvalRequests.organizationId
      }
      const pages = await keysetPerParent(db, approvalRequests, args, (r) => r.createdAt)
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map(asRequest) }]))
    },

    /** Every decision of these requests, in the order they were made. */
    async decisionsFor (orgId: string, requestIds: readonly string[], db: Database): Promise<ApprovalDecisionRow[]> {
      if (requestIds.length === 0) return []
      return await db.select().from(approvalDecisions)
        .where(and(eq(approvalDecisions.organizationId, orgId), inArray(approvalDecisions.requestId, [...requestIds])))
        .orderBy(asc(approvalDecisions.createdAt), asc(approvalDecisions.id))
    },

    async insertDecision (orgId: string, v: NewDecisionRow, db: Database): Promise<ApprovalDecisionRow> {
      const [row] = await db.insert(approvalDecisions).values({ ...v, organizationId: orgId }).returning()
      return row
    },

    /** Compare-and-set on the version. */
    async update (orgId: string, id: string, version: number, patch: { status?: ApprovalRequestRow['status'], currentStep?: number, closed?: boolean }, db: Database): Promise<ApprovalRequestRow | undefined> {
      const [row] = await db.update(approvalRequests)
        .set({
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.currentStep !== undefined ? { currentStep: patch.currentStep } : {}),
          ...(patch.closed ? { closedAt: sql`now()` } : {}),
          version: sql`${approvalRequests.version} + 1`,
          updatedAt: sql`now()`
        })
        .where(and(eq(approvalRequests.organizationId, orgId), eq(approvalRequests.id, id), eq(approvalRequests.version, version)))
        .returning()
      return row && asRequest(row)
    },

    /** Closes the item's open request, if any, as invalidated (one statement). */
    async invalidateOpen (orgId: string, itemId: string, db: Database): Promise<ApprovalRequestRow[]> {
      const rows = await db.update(approvalRequests)
        .set({ status: 'invalidated', closedAt: sql`now()`, version: sql`${approvalRequests.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(approvalRequests.organizationId, orgId), eq(approvalRequests.contentItemId, itemId), eq(approvalRequests.status, 'open')))
        .returning()
      return rows.map(asRequest)
    },

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
     * Marks these requests as notified of being overdue and returns those it marked: only
     * rows still open, past due and not yet marked, and not locked by anyone else (SKIP
     * LOCKED: a concurrent scan, or a decision closing the request, has them). Two scans
     * running at once therefore mark, and announce, each request exactly once.
     */
    async markOverdue (orgId: string, ids: readonly string[], db: Database): Promise<Array<Pick<ApprovalRequestRow, 'id' | 'brandId' | 'contentItemId' | 'dueAt' | 'currentStep' | 'steps' | 'revision'>>> {
      if (ids.length === 0) return []
      const claim = db.select({ id: approvalRequests.id }).from(approvalRequests).where(and(
        eq(approvalRequests.organizationId, orgId),
        inArray(approvalRequests.id, [...ids]),
        eq(approvalRequests.status, 'open'),
        sql`${approvalRequests.overdueNotifiedAt} IS NULL`,
        sql`${approvalRequests.dueAt} < now()`
      )).for('update', { skipLocked: true })
      const rows = await db.update(approvalRequests)
        .set({ overdueNotifiedAt: sql`now()` })
        .where(and(eq(approvalRequests.organizationId, orgId), inArray(approvalRequests.id, claim)))
        .returning({ id: approvalRequests.id, brandId: approvalRequests.brandId, contentItemId: approvalRequests.contentItemId, dueAt: approvalRequests.dueAt, currentStep: approvalRequests.currentStep, steps: approvalRequests.steps, revision: approvalRequests.revision })
      return rows.map((r) => ({ ...r, steps: r.steps as unknown as FrozenStep[] }))
    }
  }
}
export type ApprovalRequestsRepository = ReturnType<typeof createApprovalRequestsRepository>

/**
 * The member may decide at the request's current step now: frozen among its deciders, still
 * holding one of its roles or named in it, still able to see the brand, active, and not yet
 * decided at that step.
 */
function mayDecideNow (orgId: string, memberId: string): SQL {
  const step = sql`(${approvalRequests.steps} -> ${approvalRequests.currentStep})`
  return sql`(${approvalRequests.status} = 'open'
    AND ${step} -> 'eligibleMemberIds' ? ${memberId}
    AND EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = ${orgId} AND m.id = ${memberId} AND m.status = 'active'
      AND (m.brand_ids IS NULL OR ${approvalRequests.brandId} = ANY (m.brand_ids))
      AND (${step} -> 'roles' ? m.role::text OR ${step} -> 'memberIds' ? m.id::text))
    AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.organization_id = ${orgId} AND d.request_id = ${approvalRequests.id}
      AND d.step = ${approvalRequests.currentStep} AND d.actor_type = 'member' AND d.actor_id = ${memberId}))`
}
