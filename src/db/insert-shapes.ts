import { getTableColumns, is, SQL, sql, type Column } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { builder, fillValues, type Database } from './client.js'

// INSERT statements built once per shape. Drizzle builds an insert's text anew on every call:
// the column list, a typed parameter per value, the casing of every name. For a create that
// writes its item, targets, revision, event and owed webhook deliveries, that building was a
// fifth of the request's CPU (bench/profile.ts create). The text depends only on the shape (the
// table, which columns each row sets, the number of rows, ON CONFLICT, RETURNING), so drizzle
// builds it once per shape with a named placeholder per value, and each call only encodes its
// values with the columns' own encoders (fillValues: JSON for jsonb, text for timestamps…).

interface TableShapes { keys: string[], cacheable: boolean, built: Map<string, unknown> }

const tables = new WeakMap<PgTable, TableShapes>()
/** Shapes kept per table (a bulk create of n items is its own shape); beyond it, start again. */
const MAX_SHAPES = 256

function shapesOf (table: PgTable): TableShapes {
  let shapes = tables.get(table)
  if (!shapes) {
    const columns = getTableColumns(table) as Record<string, Column>
    // A column with a default computed in JS would have its first value frozen into the text.
    const cacheable = Object.values(columns).every((c) => c.defaultFn === undefined && c.onUpdateFn === undefined)
    shapes = { keys: Object.keys(columns), cacheable, built: new Map() }
    tables.set(table, shapes)
  }
  return shapes
}

/**
 * What drizzle builds for `rows` (kind: the statement's variant), from the shape's kept one or
 * built now, and the values of this call by placeholder name. A column a row leaves undefined
 * is DEFAULT, as in drizzle.
 */
function shaped<B> (table: PgTable, rows: ReadonlyArray<Record<string, unknown>>, kind: string, build: (rows: Array<Record<string, unknown>>) => B): { built: B, values: Record<string, unknown> } {
  const shapes = shapesOf(table)
  const { keys } = shapes
  const values: Record<string, unknown> = {}
  let shape = kind
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    shape += '|'
    for (let k = 0; k < keys.length; k++) {
      const v = row[keys[k]]
      if (v === undefined) continue
      shape += `${k},`
      values[`${i}_${k}`] = v
    }
  }
  let built = shapes.built.get(shape) as B | undefined
  if (!built) {
    built = build(rows.map((row, i) => Object.fromEntries(keys.flatMap((key, k) => row[key] === undefined ? [] : [[key, sql.placeholder(`${i}_${k}`)]]))))
    if (shapes.cacheable) {
      if (shapes.built.size >= MAX_SHAPES) shapes.built.clear()
      shapes.built.set(shape, built)
    }
  }
  return { built, values }
}

/**
 * The INSERT of `rows` into `table` (with ON CONFLICT DO NOTHING when asked): the same text and
 * values as `db.insert(table).values(rows).toSQL()` (test/unit/insert-shapes.test.ts).
 */
export function insertStatement<T extends PgTable> (table: T, rows: ReadonlyArray<T['$inferInsert']>, opts: { onConflictDoNothing?: boolean } = {}): { sql: string, params: unknown[] } {
  const { built, values } = shaped(table, rows as ReadonlyArray<Record<string, unknown>>, opts.onConflictDoNothing ? 'n' : 'i', (ph) => {
    const q = builder.insert(table).values(ph as any)
    return (opts.onConflictDoNothing ? q.onConflictDoNothing() : q).toSQL()
  })
  return { sql: built.sql, params: fillValues(built.params, values) }
}

/** `db.insert(table).values(rows).returning()`, its statement built once per shape. */
export async function insertReturning<T extends PgTable> (db: Database, table: T, rows: ReadonlyArray<T['$inferInsert']>): Promise<Array<T['$inferSelect']>> {
  if (rows.length === 0) return []
  const { built, values } = shaped(table, rows as ReadonlyArray<Record<string, unknown>>, 'r', (ph) => (builder.insert(table).values(ph as any).returning() as unknown as { _prepare: () => object })._prepare())
  // As prepared() runs its statements: over the session's client (the request's unit of work).
  const client = (db as unknown as { session: { client: unknown } }).session.client
  const run = Object.create(built, { client: { value: client } }) as { execute: (v: Record<string, unknown>) => Promise<Array<T['$inferSelect']>> }
  return await run.execute(values)
}

/** Whether a column's SQL default is `now()` (drizzle's defaultNow()). */
const isNow = (d: SQL) => d.queryChunks.length === 1 && String((d.queryChunks[0] as { value?: unknown }).value) === 'now()'

/**
 * The row PostgreSQL stores for an insert of `row`, every column given: the row's own values,
 * then each column's default (a JS default copied, `now()` as the transaction's start), then
 * null. Throws for a column whose default only the database knows (gen_random_uuid(), a
 * sequence…) and for a NOT NULL column left without a value: the caller must give those.
 */
export function storedRow<T extends PgTable> (table: T, row: T['$inferInsert'], now: Date): T['$inferSelect'] {
  const out: Record<string, unknown> = {}
  const given = row as Record<string, unknown>
  for (const [key, column] of Object.entries(getTableColumns(table) as Record<string, Column>)) {
    const v = given[key]
    if (v !== undefined) out[key] = v
    else if (column.defaultFn !== undefined || column.onUpdateFn !== undefined) throw new Error(`storedRow: ${key} has a default computed in JS; give it`)
    else if (column.hasDefault && is(column.default, SQL)) {
      if (!isNow(column.default)) throw new Error(`storedRow: ${key}'s default is computed by the database; give it`)
      out[key] = now
    } else if (column.hasDefault) out[key] = structuredClone(column.default)
    else if (column.notNull) throw new Error(`storedRow: ${key} is NOT NULL and has no value`)
    else out[key] = null
  }
  return out as T['$inferSelect']
}
