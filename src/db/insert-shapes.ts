import { getTableColumns, is, Param, Placeholder, sql, type Column } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { builder } from './client.js'

// INSERT statements built once per shape. Drizzle builds an insert's text anew on every call:
// the column list, a typed parameter per value, the casing of every name. For a create that
// writes its targets, revision, event and owed webhook deliveries, that building was a fifth of
// the request's CPU (bench/profile.ts create). The text depends only on the shape (the table,
// which columns each row sets, the number of rows, ON CONFLICT), so drizzle builds it once per
// shape with a named placeholder per value, and each call only encodes its values with the
// columns' own encoders (JSON for jsonb, text for timestamps…), null staying NULL as drizzle
// writes it (its fillPlaceholders would encode a null jsonb as the JSON text 'null').

interface Built { sql: string, params: unknown[] }

interface TableShapes { keys: string[], cacheable: boolean, built: Map<string, Built> }

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
 * The INSERT of `rows` into `table` (with ON CONFLICT DO NOTHING when asked), as drizzle would
 * write it: a column a row leaves undefined is DEFAULT, null is NULL. Same text and values as
 * `db.insert(table).values(rows).toSQL()` (test/unit/insert-shapes.test.ts).
 */
export function insertStatement<T extends PgTable> (table: T, rows: ReadonlyArray<T['$inferInsert']>, opts: { onConflictDoNothing?: boolean } = {}): { sql: string, params: unknown[] } {
  const shapes = shapesOf(table)
  if (!shapes.cacheable) {
    const q = builder.insert(table).values(rows as any)
    return (opts.onConflictDoNothing ? q.onConflictDoNothing() : q).toSQL()
  }
  const { keys } = shapes
  const values: Record<string, unknown> = {}
  let shape = opts.onConflictDoNothing ? 'n' : 'i'
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>
    shape += '|'
    for (let k = 0; k < keys.length; k++) {
      const v = row[keys[k]]
      if (v === undefined) continue
      shape += `${k},`
      values[`${i}_${k}`] = v
    }
  }
  let built = shapes.built.get(shape)
  if (!built) {
    const withPlaceholders = rows.map((row, i) => Object.fromEntries(keys.flatMap((key, k) =>
      (row as Record<string, unknown>)[key] === undefined ? [] : [[key, sql.placeholder(`${i}_${k}`)]])))
    const q = builder.insert(table).values(withPlaceholders as any)
    built = (opts.onConflictDoNothing ? q.onConflictDoNothing() : q).toSQL()
    if (shapes.built.size >= MAX_SHAPES) shapes.built.clear()
    shapes.built.set(shape, built)
  }
  return { sql: built.sql, params: fill(built.params, values) }
}

function fill (params: readonly unknown[], values: Record<string, unknown>): unknown[] {
  return params.map((p) => {
    if (!is(p, Param) || !is(p.value, Placeholder)) return p
    const v = values[p.value.name]
    return v === null ? null : p.encoder!.mapToDriverValue(v)
  })
}
