import { and, asc, desc, eq, getTableColumns, lte, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { PgColumn, PgDatabase, PgTable } from 'drizzle-orm/pg-core'
import { anyOf } from '../db/any-of.js'
import { asParam, ShapeBinder, type Bind } from '../db/bind.js'
import { preparedShapes, type Database } from '../db/client.js'
import { andAll, keyset, toPage, type CountedPage, type KeysetArgs, type Page } from './pagination.js'

// The statements that read pages (pagination.ts has the cursors, sorts and keyset conditions
// they use): a root list's page, one page per parent for a nested connection, and either with
// its total, each in ONE statement, built once per shape for the hot ones.

export interface PerParentArgs extends KeysetArgs {
  /** The column that names the parent (campaign_id for Campaign.contentItems). */
  parentColumn: PgColumn
  parentIds: readonly string[]
  /** The table's organization_id column. */
  orgColumn: PgColumn
  /** Filters that apply to every parent (status, labels…). */
  where?: SQL
}

/**
 * One page per parent in ONE statement: a LATERAL subquery per parent (ORDER BY the page's
 * order, LIMIT limit+1), so each parent's page is read through its index. This is what keeps a nested GraphQL connection (brand → campaigns → contentItems) at a
 * bounded number of SQL statements, however many parents a page has. `after` applies to every
 * parent in the batch (in practice a client pages one parent at a time).
 */
export async function keysetPerParent<T extends PgTable, R extends { id: string } = T['$inferSelect'] & { id: string }> (
  db: PgDatabase<any, any, any>, table: T, args: PerParentArgs, valueOf?: (row: R) => unknown, source?: Pick<PageSource, 'fields'>
): Promise<Map<string, Page<R>>> {
  if (args.parentIds.length === 0) return new Map()
  if (args.withTotal) return await countedPages<T, R>(db, table, args, valueOf, source)
  const page = keyset(args)
  const rows = await perParentQuery(db, table, source?.fields ?? getTableColumns(table), args,
    { parentIds: asParam('parentIds', [...args.parentIds]), orgId: asParam('orgId', args.orgId), where: args.where, page, take: page.take })
  return pagesByParent<R>(rows as Array<Record<string, unknown>>, args, valueOf)
}

/**
 * keysetPerParent for a hot nested connection: the statement built once per shape (parent
 * column, sort, placeholders bound, columns), as preparedPages does for a root list; `where`
 * writes the filters with the Bind it is given; with `withTotal`, built per call. `pick`: only
 * these of `fields` (the id and the sort's field always), for a query that reads no others.
 */
export function preparedPerParent<T extends PgTable, R extends { id: string }> (table: T, fields: Record<string, unknown>, valueOf?: (row: R) => unknown) {
  const run = preparedShapes<Record<string, unknown>>()
  return async (db: Database, args: Omit<PerParentArgs, 'where'>, where: (bind: Bind) => SQL | undefined, pick?: readonly string[]): Promise<Map<string, Page<R>>> => {
    if (args.parentIds.length === 0) return new Map()
    const keys = pick ? [...new Set(['id', args.sort.field, ...pick])].filter((k) => k in fields).sort() : undefined
    const columns = keys ? Object.fromEntries(keys.map((k) => [k, fields[k]])) : fields
    if (args.withTotal) return await countedPages<T, R>(db, table, { ...args, where: where(asParam) }, valueOf, { fields: columns })
    const binder = new ShapeBinder()
    const parts = { parentIds: binder.bind('parentIds', [...args.parentIds]), orgId: binder.bind('orgId', args.orgId), where: where(binder.bind), page: keyset(args, binder.bind) }
    const take = binder.bind('take', parts.page.take)
    const rows = await run(db, `${args.parentColumn.name}|${args.sort.key}|${binder.key}|${keys?.join(',') ?? '*'}`, (b) => perParentQuery(b, table, columns, args, { ...parts, take }), binder.values)
    return pagesByParent<R>(rows, args, valueOf)
  }
}

/**
 * The per-parent statement: each parent's page read on its own, through the parent's index,
 * with LIMIT: a LATERAL subquery per parent id. (Numbering every row of every parent with
 * row_number() and keeping the first limit+1 read all of them: the 1,000 items of 10 campaigns
 * for 10 pages of 20.) herald_rn numbers the at most limit+1 rows of one parent, in the page's
 * order. The ids, the organization and the limit come as parameters or placeholders.
 */
function perParentQuery (db: PgDatabase<any, any, any>, table: PgTable, columns: Record<string, unknown>, args: Pick<PerParentArgs, 'parentColumn' | 'orgColumn'>,
  parts: { parentIds: SQLWrapper, orgId: SQLWrapper, where: SQL | undefined, page: { where: SQL | undefined, orderBy: SQL[] }, take: SQLWrapper | number }) {
  const parents = db.select({ id: sql<string>`u.id`.as('herald_parent'), ord: sql<number>`u.ord`.as('herald_ord') })
    .from(sql`unnest(${parts.parentIds}::${sql.raw(args.parentColumn.getSQLType())}[]) WITH ORDINALITY AS u(id, ord)`).as('herald_p')
  const perParent = (db.select({ ...columns, herald_rn: sql<number>`row_number() over (order by ${sql.join(parts.page.orderBy, sql`, `)})`.as('herald_rn') }).from(table as any) as any)
    .where(andAll(eq(args.orgColumn, parts.orgId), sql`${args.parentColumn} = ${parents.id}`, parts.where, parts.page.where))
    .orderBy(...parts.page.orderBy).limit(parts.take).as('per_parent')
  const fields = Object.fromEntries(Object.keys(columns).map((key) => [key, perParent[key]]))
  return (db.select({ ...fields, herald_rn: perParent.herald_rn, herald_parent: parents.id }).from(parents) as any).crossJoinLateral(perParent)
    .orderBy(parents.ord, perParent.herald_rn)
}

/** The per-parent statement's rows as a page per parent id, in the order the ids were given. */
function pagesByParent<R extends { id: string }> (rows: Array<Record<string, unknown>>, args: PerParentArgs | Omit<PerParentArgs, 'where'>, valueOf?: (row: R) => unknown): Map<string, Page<R>> {
  const grouped = new Map<string, R[]>()
  for (const raw of rows) {
    const { herald_parent: parent, herald_rn: _rn, ...row } = raw
    const list = grouped.get(String(parent)) ?? []
    list.push(row as unknown as R)
    grouped.set(String(parent), list)
  }
  const out = new Map<string, Page<R>>()
  for (const id of args.parentIds) out.set(id, toPage(grouped.get(id) ?? [], args, valueOf))
  return out
}

/**
 * One page of a root list: `where` holds the organization and the filters. Without
 * `withTotal` it is the plain keyset statement; with it, the same single statement also
 * counts the matches (see countedPages).
 */
export async function selectPage<T extends PgTable, R extends { id: string } = T['$inferSelect'] & { id: string }> (
  db: PgDatabase<any, any, any>, table: T, args: KeysetArgs, where: SQL | undefined, valueOf?: (row: R) => unknown, source?: PageSource
): Promise<CountedPage<R>> {
  if (args.withTotal) return (await countedPages<T, R>(db, table, { ...args, where }, valueOf, source)).get(ROOT)!
  const page = keyset(args)
  const from = db.select((source?.fields ?? getTableColumns(table)) as any).from(table as any)
  const rows = await (source?.join ? source.join(from) : from).where(andAll(where, page.where)).orderBy(...page.orderBy).limit(page.take) as R[]
  return toPage(rows, args, valueOf)
}

/**
 * selectPage for a hot list: the statement is built once per shape (preparedShapes), named by
 * the sort and the placeholders the call binds (which filters, whether after a cursor), and run
 * with the call's values. `where` writes the call's conditions with the Bind it is given, so
 * one function writes them for both. A page with its total (withTotal) is built per call.
 */
export function preparedPages<T extends PgTable, R extends { id: string }> (table: T, fields: Record<string, unknown>) {
  const run = preparedShapes<R>()
  return async (db: Database, args: KeysetArgs, where: (bind: Bind) => SQL | undefined): Promise<CountedPage<R>> => {
    if (args.withTotal) return await selectPage<T, R>(db, table, args, where(asParam), undefined, { fields })
    const binder = new ShapeBinder()
    const filter = where(binder.bind)
    const page = keyset(args, binder.bind)
    const take = binder.bind('take', page.take)
    const rows = await run(db, `${args.sort.key}|${binder.key}`, (b) => b.select(fields as any).from(table as any)
      .where(andAll(filter, page.where)).orderBy(...page.orderBy).limit(take as any), binder.values)
    return toPage(rows, args)
  }
}

const ROOT = ''

/**
 * Rows that are more than the table's own columns (a member's name from users, a campaign's
 * channel ids): what to select and join. Expressions in `fields` need an alias (`.as(...)`):
 * the counted and per-parent pages select them from a subquery.
 */
export interface PageSource {
  fields: Record<string, unknown>
  join?: (from: any) => any
  /**
   * Counted pages only: expressions computed on the page's rows alone, in the outer query over
   * the numbered subquery (aliased "counted"), rather than for every matching row (a request's
   * decisions, beside the total, in the same statement).
   */
  outer?: Record<string, SQL.Aliased>
}

/**
 * Pages with their totals in ONE statement, for a root list or per parent (a nested
 * connection's batch). Every row the filters match is numbered twice by window functions:
 * `count(*)` over its parent is the total whatever the cursor, and `row_number()` over its
 * parent and its side of the cursor cuts the page at limit+1 among the rows after it. The outer
 * query keeps those rows, plus the first row of each parent when none is past the cursor (it
 * carries the total of a page that came back empty after a cursor, and is dropped here).
 */
async function countedPages<T extends PgTable, R extends { id: string }> (
  db: PgDatabase<any, any, any>, table: T,
  args: KeysetArgs & { where?: SQL, parentColumn?: PgColumn, parentIds?: readonly string[], orgColumn?: PgColumn },
  valueOf?: (row: R) => unknown, source?: PageSource
): Promise<Map<string, CountedPage<R>>> {
  const page = keyset(args)
  const after = page.where ? sql`coalesce(${page.where}, false)` : sql`true`
  const parent = args.parentColumn ? sql`${args.parentColumn}::text` : sql`${ROOT}::text`
  const parents = args.parentColumn ? sql`partition by ${args.parentColumn}` : sql``
  const from = db.select({
    ...(source?.fields ?? getTableColumns(table)),
    herald_parent: sql<string>`${parent}`.as('herald_parent'),
    herald_total: sql<number>`(count(*) over (${parents}))::int`.as('herald_total'),
    herald_after: sql<boolean>`${after}`.as('herald_after'),
    herald_rn: sql<number>`row_number() over (partition by ${args.parentColumn ? sql`${args.parentColumn}, ` : sql``}${after} order by ${sql.join(page.orderBy, sql`, `)})`.as('herald_rn')
  } as any).from(table as any)
  const inner = (source?.join ? source.join(from) : from).where(andAll(
    args.orgColumn ? eq(args.orgColumn, args.orgId) : undefined,
    args.parentColumn ? anyOf(args.parentColumn, [...(args.parentIds ?? [])]) : undefined,
    args.where
  )).as('counted') as any
  const selected = source?.outer
    ? { ...Object.fromEntries(Object.keys(inner._.selectedFields).map((k) => [k, inner[k]])), ...source.outer }
    : undefined
  const rows = await db.select(selected as any).from(inner)
    .where(or(and(sql`${inner.herald_after}`, lte(inner.herald_rn, page.take)), eq(inner.herald_rn, 1)))
    .orderBy(asc(inner.herald_parent), desc(inner.herald_after), asc(inner.herald_rn)) as Array<Record<string, unknown>>
  const grouped = new Map<string, { rows: R[], total: number }>()
  for (const raw of rows) {
    const { herald_rn: _rn, herald_parent: parentId, herald_total: total, herald_after: isAfter, ...row } = raw
    const group = grouped.get(String(parentId)) ?? { rows: [], total: Number(total) }
    if (isAfter === true) group.rows.push(row as unknown as R)
    grouped.set(String(parentId), group)
  }
  const out = new Map<string, CountedPage<R>>()
  for (const id of args.parentColumn ? args.parentIds ?? [] : [ROOT]) {
    const group = grouped.get(id)
    out.set(id, { ...toPage(group?.rows ?? [], args, valueOf), totalCount: group?.total ?? 0 })
  }
  return out
}
