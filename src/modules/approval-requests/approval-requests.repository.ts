import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import { prepared, type Database } from '../../db/client.js'
import { brandScope, tenantRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type KeysetArgs, type Page } from '../../lib/pagination.js'
import { preparedPerParent, selectPage } from '../../lib/page-statements.js'
import type { FrozenStep } from './approval-engine.js'
import { type ApprovalStep } from '../../db/tables/brands.js'
import { approvalDecisions, approvalRequests } from '../../db/tables/approval-requests.js'
import type { ApprovalRequestListQuery, ItemApprovalRequestsQuery } from './approval-requests.schemas.js'
import type { ApprovalRequestsQueries } from './approval-requests.queries.js'
import { rangeWhere } from '../../lib/time-range.js'

export type ApprovalRequestRow = Omit<typeof approvalRequests.$inferSelect, 'steps'> & { steps: FrozenStep[] }
export type ApprovalDecisionRow = typeof approvalDecisions.$inferSelect
type NewRequestRow = Omit<typeof approvalRequests.$inferInsert, 'organizationId' | 'steps'> & { steps: FrozenStep[] }
type NewDecisionRow = Omit<typeof approvalDecisions.$inferInsert, 'organizationId'>

// The steps column is typed as policy steps; requests store them frozen (with their deciders).
const asRequest = (row: typeof approvalRequests.$inferSelect): ApprovalRequestRow => row as unknown as ApprovalRequestRow
const asStored = (steps: FrozenStep[]) => steps as unknown as ApprovalStep[]

/** A request is overdue while it is open and its due date has passed (at query time). */
const overdueSql = sql`(${approvalRequests.status} = 'open' AND ${approvalRequests.dueAt} < now())`

/** A decision as decisionsIn sends it: [id, step, decision, comment, actorType, actorId, actorLabel, createdAt in epoch ms]. */
type DecisionTuple = [string, number, ApprovalDecisionRow['decision'], string | null, ApprovalDecisionRow['actorType'], string, string | null, number]
/** A decision as a brief read sends it (BRIEF_DECISION): [id, step, decision, createdAt as a reply writes it]. */
export type BriefDecisionTuple = [string, number, ApprovalDecisionRow['decision'], string]

/**
 * Every decision of the request in the row's own statement, as one JSON array in the order they
 * were made (created_at, id), through approval_decisions' (request_id, …) index. Timestamps
 * travel as epoch milliseconds, truncated as node-postgres truncates a timestamptz's microseconds,
 * so a decision reads the same as from its own statement. The tenant filter stays explicit.
 * Written out, not with drizzle's columns: a single-table select renders them unqualified
 * ("id"), which inside the subquery would name the decision's own id.
 */
const decisionsIn = (orgId: unknown, requestId = sql.raw('"approval_requests"."id"'), brief = false) => sql<DecisionTuple[]>`coalesce((select json_agg(json_build_array(${sql.raw(brief ? BRIEF_DECISION : FULL_DECISION)}) order by d.created_at, d.id) from approval_decisions d where d.organization_id = ${orgId} and d.request_id = ${requestId}), '[]'::json)`
const FULL_DECISION = 'd.id, d.step, d.decision, d.comment, d.actor_type, d.actor_id, d.actor_label, floor(extract(epoch from d.created_at) * 1000)'
/**
 * A decision without its comment and actor: [id, step, decision, createdAt]. Its time comes as
 * the reply's text (ISO 8601, UTC, to the millisecond as stored: src/db/columns.ts), as in the
 * hand-written server's query: the nested GraphQL query reads hundreds of them, and each was a
 * Date made from epoch milliseconds, then formatted back.
 */
const BRIEF_DECISION = 'd.id, d.step, d.decision, to_char(d.created_at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')'

/**
 * What a read of the latest requests needs (ContentItem.approval reads what its query selects):
 * `decisions`, the decisions aggregate (for decisions and steps), `'brief'` without their
 * comments and actors; `light`, only LIGHT_COLUMNS (no actor, no timestamps but dueAt, no
 * organization), and of them only `columns` when given (the id, brand and item always).
 */
export interface LatestReads { decisions: boolean | 'brief', light: boolean, columns?: readonly LightRequestColumn[] }

/** The request's columns a light read selects: what ApprovalRequestNode answers without its actor and timestamps. */
const LIGHT_COLUMNS = {
  id: approvalRequests.id,
  brandId: approvalRequests.brandId,
  contentItemId: approvalRequests.contentItemId,
  revision: approvalRequests.revision,
  policyId: approvalRequests.policyId,
  policyName: approvalRequests.policyName,
  steps: approvalRequests.steps,
  currentStep: approvalRequests.currentStep,
  status: approvalRequests.status,
  dueAt: approvalRequests.dueAt,
  version: approvalRequests.version
}
export type LightRequestColumn = keyof typeof LIGHT_COLUMNS
/** Read by every light read: the request, whose brand the reader must see, of which item. */
const ALWAYS: readonly LightRequestColumn[] = ['id', 'brandId', 'contentItemId']

/**
 * The newest request of each item (with its decisions unless not asked); each variant built
 * once (prepared), run per page of items. The decisions are aggregated over the newest
 * requests only, in an outer query: in the DISTINCT ON's own select list PostgreSQL computed
 * them for every request of every item before keeping the newest (400 aggregates for the
 * bench's 200 items; measured as herald_app under RLS, 7.4 → 6.3 ms for the statement).
 */
const latestStatement = ({ decisions, light, columns: only }: LatestReads) => prepared<typeof approvalRequests.$inferSelect & { decisions?: DecisionTuple[] }>((db) => {
  const columns = !light ? getTableColumns(approvalRequests) : only ? Object.fromEntries([...ALWAYS, ...only].map((k) => [k, LIGHT_COLUMNS[k]])) : LIGHT_COLUMNS
  const latest = db.selectDistinctOn([approvalRequests.contentItemId], columns).from(approvalRequests)
    .where(and(eq(approvalRequests.organizationId, sql.placeholder('orgId')), sql`${approvalRequests.contentItemId} = ANY(${sql.placeholder('ids')})`))
    .orderBy(approvalRequests.contentItemId, desc(approvalRequests.createdAt), desc(approvalRequests.id))
  if (!decisions) return latest
  const newest = latest.as('newest')
  return db.select({ ...Object.fromEntries(Object.keys(columns).map((key) => [key, (newest as unknown as Record<string, unknown>)[key]])), decisions: decisionsIn(sql.placeholder('orgId'), sql.raw('"newest"."id"'), decisions === 'brief') } as any)
    .from(newest).orderBy(newest.contentItemId)
})
/**
 * Each variant's statement, built on first use. The variants a query can ask for are bounded
 * (three decision reads, a subset of eleven columns), but not small: past MAX_VARIANTS a
 * variant not built yet reads the light request whole (always built), as a query of many
 * shapes then costs a little more rather than a statement more.
 */
const latestStatements = new Map<string, ReturnType<typeof latestStatement>>()
const MAX_VARIANTS = 32
const variantKey = (r: LatestReads) => `${String(r.decisions)}/${String(r.light)}/${r.light ? r.columns?.join(',') ?? '*' : '*'}`
function latestFor (reads: LatestReads): ReturnType<typeof latestStatement> {
  let key = variantKey(reads)
  let statement = latestStatements.get(key)
  if (!statement && latestStatements.size >= MAX_VARIANTS) {
    const fallback: LatestReads = { decisions: reads.decisions !== false, light: reads.light }
    key = variantKey(fallback)
    reads = fallback
    statement = latestStatements.get(key)
  }
  if (!statement) latestStatements.set(key, statement = latestStatement(reads))
  return statement
}

/** ContentItem.approvalRequests: a page per item in one statement, built once per shape (and prepared by each connection). */
const requestPagesPerItem = preparedPerParent<typeof approvalRequests, typeof approvalRequests.$inferSelect>(approvalRequests, getTableColumns(approvalRequests))

function decisionRows (orgId: string, requestId: string, tuples: DecisionTuple[]): ApprovalDecisionRow[] {
  return tuples.map(([id, step, decision, comment, actorType, actorId, actorLabel, createdAt]) =>
    ({ id, organizationId: orgId, requestId, step, decision, comment, actorType, actorId, actorLabel, createdAt: new Date(createdAt) }))
}

export function createApprovalRequestsRepository (codec: CursorCodec, queries: Pick<ApprovalRequestsQueries, 'mayDecideNow'>) {
  const rows = tenantRows(approvalRequests)
  return {
    async insert (orgId: string, v: NewRequestRow, db: Database): Promise<ApprovalRequestRow> {
      const [row] = await db.insert(approvalRequests).values({ ...v, steps: asStored(v.steps), organizationId: orgId }).returning()
      return asRequest(row)
    },

    async findById (orgId: string, id: string, db: Database, opts: { lock?: true } = {}): Promise<ApprovalRequestRow | undefined> {
      const row = await rows.findById(orgId, id, db, opts)
      return row && asRequest(row)
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<ApprovalRequestRow[]> {
      return (await rows.findByIds(orgId, ids, db)).map(asRequest)
    },

    /** The newest request of each item (an open one is always the newest: one open per item). */
    async latestForItems (orgId: string, itemIds: readonly string[], db: Database): Promise<Map<string, ApprovalRequestRow>> {
      if (itemIds.length === 0) return new Map()
      const rows = await db.selectDistinctOn([approvalRequests.contentItemId]).from(approvalRequests)
        .where(and(eq(approvalRequests.organizationId, orgId), anyOf(approvalRequests.contentItemId, [...itemIds])))
        .orderBy(approvalRequests.contentItemId, desc(approvalRequests.createdAt), desc(approvalRequests.id))
      return new Map(rows.map((r) => [r.contentItemId, asRequest(r)]))
    },

    /**
     * latestForItems with each request's decisions, in ONE statement (ContentItem.approval): the
     * decisions were a second statement, and a second round trip, for every page of items.
     */
    async latestWithDecisions (orgId: string, itemIds: readonly string[], db: Database, reads: LatestReads = { decisions: true, light: false }): Promise<Array<{ row: ApprovalRequestRow, decisions: ApprovalDecisionRow[], brief?: BriefDecisionTuple[] }>> {
      if (itemIds.length === 0) return []
      const rows = await latestFor(reads)(db, { orgId, ids: [...itemIds] })
      // The row keeps its `decisions` field: replies are built from named fields only. A light
      // row has only LIGHT_COLUMNS, or some of them (ApprovalRequestNode refuses to read the others).
      // Brief decisions stay as read (ApprovalRequestNode makes them replies when asked).
      if (reads.decisions === 'brief') return rows.map((row) => ({ row: asRequest(row), decisions: [], brief: row.decisions as unknown as BriefDecisionTuple[] }))
      return rows.map((row) => ({ row: asRequest(row), decisions: row.decisions ? decisionRows(orgId, row.id, row.decisions as never) : [] }))
    },

    /**
     * onlyBrandIds: the caller's granted brands (null: every brand). Each row carries its
     * decisions (`decisions`), read in the page's own statement; with a total asked, the count
     * needs every matching row, so the decisions are aggregated in the outer query, for the
     * page's rows only (page-statements.ts PageSource.outer), not for every match.
     */
    async list (orgId: string, q: ApprovalRequestListQuery, onlyBrandIds: readonly string[] | null, db: Database): Promise<Page<ApprovalRequestRow & { decisions: ApprovalDecisionRow[] }>> {
      const args: KeysetArgs = { orgId, sort: parseSort(q.sort), columns: { createdAt: approvalRequests.createdAt, dueAt: approvalRequests.dueAt }, nullable: ['dueAt'], idColumn: approvalRequests.id, cursor: q.cursor, limit: q.limit, codec }
      const withTotal = wantsTotal(q)
      const source = withTotal
        ? { fields: getTableColumns(approvalRequests), outer: { decisions: decisionsIn(orgId, sql.raw('"counted"."id"')).as('decisions') } }
        : { fields: { ...getTableColumns(approvalRequests), decisions: decisionsIn(orgId).as('decisions') } }
      const page = await selectPage(db, approvalRequests, { ...args, withTotal }, andAll(
        eq(approvalRequests.organizationId, orgId),
        brandScope(approvalRequests.brandId, onlyBrandIds),
        q.brandId ? eq(approvalRequests.brandId, q.brandId) : undefined,
        q.contentItemId ? eq(approvalRequests.contentItemId, q.contentItemId) : undefined,
        q.status ? eq(approvalRequests.status, q.status) : undefined,
        q.step !== undefined ? eq(approvalRequests.currentStep, q.step) : undefined,
        q.approverId ? queries.mayDecideNow(orgId, q.approverId) : undefined,
        q.overdue === true ? overdueSql : undefined,
        q.overdue === false ? sql`(${approvalRequests.dueAt} IS NULL OR NOT ${overdueSql})` : undefined,
        rangeWhere(approvalRequests, q)), undefined, source)
      return {
        ...page,
        data: page.data.map((row) => ({ ...asRequest(row), decisions: decisionRows(orgId, row.id, (row as unknown as { decisions: DecisionTuple[] }).decisions) }))
      }
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
        withTotal: wantsTotal(q),
        orgColumn: approvalRequests.organizationId
      }
      const pages = await requestPagesPerItem(db, args, () => undefined)
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map(asRequest) }]))
    },

    /** Every decision of these requests, in the order they were made. */
    async decisionsFor (orgId: string, requestIds: readonly string[], db: Database): Promise<ApprovalDecisionRow[]> {
      if (requestIds.length === 0) return []
      return await db.select().from(approvalDecisions)
        .where(and(eq(approvalDecisions.organizationId, orgId), anyOf(approvalDecisions.requestId, [...requestIds])))
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
     * Across organizations, as herald_system (which may read only the id, organization,
     * status and dates of requests: migrations/0005): open requests past due and not yet
     * announced, oldest due first.
     */
    async overdueCandidates (db: Database, limit: number): Promise<Array<{ id: string, orgId: string }>> {
      return await db.select({ id: approvalRequests.id, orgId: approvalRequests.organizationId }).from(approvalRequests)
        .where(and(eq(approvalRequests.status, 'open'), sql`${approvalRequests.overdueNotifiedAt} IS NULL`, sql`${approvalRequests.dueAt} < now()`))
        .orderBy(asc(approvalRequests.dueAt)).limit(limit)
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
        anyOf(approvalRequests.id, [...ids]),
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
