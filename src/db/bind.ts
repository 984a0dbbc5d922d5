import { sql, type SQLWrapper } from 'drizzle-orm'

/**
 * How a value of a request enters a statement built from it: as a parameter of a statement
 * built for this one call (`asParam`), or as a named placeholder of a statement built once for
 * every call of the same shape (a ShapeBinder's `bind`, with preparedShapes). A condition
 * written with a Bind is the same SQL either way; only where its values travel changes.
 */
export type Bind = (name: string, value: unknown) => SQLWrapper

/** The value as a parameter of this call's statement (no encoder: PostgreSQL types it from its place). */
export const asParam: Bind = (_name, value) => sql.param(value)

/**
 * Collects the values of one call under their placeholders' names. Its `key` (the names bound,
 * in order) says which conditions the call has, so together with what else shapes the statement
 * (its sort, its columns) it names the statement to reuse.
 */
export class ShapeBinder {
  readonly values: Record<string, unknown> = {}
  private readonly names: string[] = []

  readonly bind: Bind = (name, value) => {
    if (name in this.values) throw new Error(`placeholder "${name}" bound twice`)
    this.values[name] = value
    this.names.push(name)
    return sql.placeholder(name)
  }

  get key (): string { return this.names.join(',') }
}
