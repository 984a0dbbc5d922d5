import { and, eq, sql, type SQL } from 'drizzle-orm'
import { asParam, type Bind } from './bind.js'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import { prepared, type Database } from './client.js'
import { insertReturning, insertStatement, storedRow } from './insert-shapes.js'
import { deferrableTx } from './tx.js'

// What every tenant table's repository repeats, written once: read one or many rows by id
// within an organization, and change or remove a row only while its version is the one the
// caller read (compare-and-set, never read-then-write). Repositories spread these into their
// own object and add the queries that are theirs alone.

/** A tenant table: an `id` and the `organizationId` it belongs to. */
export type TenantTable = PgTable & { id: PgColumn, organizationId: PgColumn }
/** A tenant table whose rows carry `version` and `updatedAt` (ETag / If-Match). */
export type VersionedTable = TenantTable & { version: PgColumn, updatedAt: PgColumn }

/**
 * The rows a brand-limited credential may see: `column` (a brand id) among its brands, as one
 * array value however many (an empty list matches nothing). undefined (no condition) for a
 * credential that sees every brand. `bind`: where the list goes (src/db/bind.ts).
 */
export function brandScope (column: PgColumn, brandIds: readonly string[] | null | undefined, bind: Bind = asParam): SQL | undefined {
  if (!brandIds) return undefined
  return sql`${column} = ANY(${bind('visibleBrands', [...brandIds])})`
}

/**
 * A write whose answer nobody waits for (an event, a revision, an item's targets): queued on
 * the unit of work to travel with its next batch or its COMMIT (Tx.defer), so it costs no round
 * trip of its own; its failure fails the work. Over a plain client it simply runs now.
 */
export async function deferWrite (db: Database, query: PromiseLike<unknown> & { toSQL: () => { sql: string, params: unknown[] } }, opts?: { prepare?: boolean }): Promise<void> {
  const tx = deferrableTx(db)
  if (tx) {
    const { sql: text, params } = query.toSQL()
    tx.defer(text, params, opts)
    return
  }
  await query
}

/**
 * An insert's text is one per shape (table, columns, row count): up to this many rows it runs as
 * a prepared statement (Tx.defer); a bulk import's hundred-row shape is not worth a plan kept
 * on every connection.
 */
const PREPARED_ROWS = 8

/**
 * Inserts `rows` as a deferred write (see deferWrite), with the statement's text built once per
 * shape (insertStatement) rather than by the query builder on every call.
 */
export async function deferInsert<T extends PgTable> (db: Database, table: T, rows: ReadonlyArray<T['$inferInsert']>, opts: { onConflictDoNothing?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return
  const tx = deferrableTx(db)
  if (tx) {
    const { sql: text, params } = insertStatement(table, rows, opts)
    tx.defer(text, params, { prepare: rows.length <= PREPARED_ROWS })
    return
  }
  const q = db.insert(table).values(rows as any)
  await (opts.onConflictDoNothing ? q.onConflictDoNothing() : q)
}

/**
 * `INSERT … RETURNING` without its round trip: once the unit of work knows when its transaction
 * began (Tx.startedAt, from its first batch), every column of the rows is known here (the
 * values given, the columns' defaults, `now()` as that instant: storedRow), so the INSERT is
 * deferred with every column given and travels with the next batch or COMMIT, and the rows are
 * answered at once. A create is then two round trips (its checks; its writes and COMMIT), not
 * three. Before the first batch, or in a savepoint, it is INSERT … RETURNING. A failure of the
 * deferred INSERT (a foreign key gone meanwhile) fails the COMMIT, and the request with it.
 */
export async function insertKnown<T extends PgTable> (db: Database, table: T, rows: ReadonlyArray<T['$inferInsert']>): Promise<Array<T['$inferSelect']>> {
  const tx = deferrableTx(db)
  const now = tx?.startedAt
  if (!tx || !now) return await insertReturning(db, table, rows)
  const stored = rows.map((row) => storedRow(table, row, now))
  const { sql: text, params } = insertStatement(table, stored as ReadonlyArray<T['$inferInsert']>)
  tx.defer(text, params, { prepare: rows.length <= PREPARED_ROWS })
  return stored
}

/**
 * findById / findByIds for any tenant table. `lock`: FOR UPDATE for writers (true), or
 * FOR KEY SHARE for something about to point at the row (a concurrent delete then waits).
 */
export function tenantRows<T extends TenantTable> (table: T) {
  type Row = T['$inferSelect']
  const t = table as TenantTable
  const byId = (lock?: 'update' | 'key share') => prepared<Row>((db) => {
    const q = db.select().from(t as PgTable).where(and(eq(t.organizationId, sql.placeholder('orgId')), eq(t.id, sql.placeholder('id'))))
    return lock ? q.for(lock) : q
  })
  const find = { read: byId(), update: byId('update'), 'key share': byId('key share') }
  const byIds = prepared<Row>((db) => db.select().from(t as PgTable).where(and(eq(t.organizationId, sql.placeholder('orgId')), sql`${t.id} = ANY(${sql.placeholder('ids')})`)))
  return {
    async findById (orgId: string, id: string, db: Database, opts: { lock?: true | 'update' | 'key share' } = {}): Promise<Row | undefined> {
      const [row] = await find[opts.lock === true ? 'update' : opts.lock ?? 'read'](db, { orgId, id })
      return row
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<Row[]> {
      if (ids.length === 0) return []
      return await byIds(db, { orgId, ids: [...new Set(ids)] })
    }
  }
}

/** tenantRows plus the versioned update and delete. */
export function versionedRows<T extends VersionedTable> (table: T) {
  type Row = T['$inferSelect']
  const t = table as VersionedTable
  const current = (orgId: string, id: string, version: number) => and(eq(t.organizationId, orgId), eq(t.id, id), eq(t.version, version))
  return {
    ...tenantRows(table),

    /** Applies the patch only when the version still matches; +1 version, updatedAt now. */
    async update (orgId: string, id: string, version: number, patch: Partial<T['$inferInsert']>, db: Database): Promise<Row | undefined> {
      const [row] = await db.update(t as PgTable)
        .set({ ...patch, version: sql`${t.version} + 1`, updatedAt: sql`now()` } as any)
        .where(current(orgId, id, version))
        .returning()
      return row as Row | undefined
    },

    /** Deletes only when the version still matches; false when it did not (or the row is gone). */
    async delete (orgId: string, id: string, version: number, db: Database): Promise<boolean> {
      const rows = await db.delete(t as PgTable).where(current(orgId, id, version)).returning({ id: t.id })
      return rows.length > 0
    }
  }
}
