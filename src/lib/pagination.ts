import { createHmac, timingSafeEqual } from 'node:crypto'
import { and, asc, desc, eq, gt, isNull, lt, or, sql, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { AppError } from './errors.js'
import { asParam, type Bind } from '../db/bind.js'

// Keyset pagination on (sort column, id): stable under concurrent inserts, and every sort is
// backed by an (organization_id, column, id) index. Cursors are opaque and signed, and bound to
// the organization and the sort they were minted for.

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export const limitSchema = z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT)
export const cursorSchema = z.string().min(1).max(1024).optional()

export function sortSchema<const F extends string> (fields: readonly F[], fallback: `${'' | '-'}${F}`) {
  const allowed = fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]]
  return z.enum(allowed).default(fallback)
}

export interface Sort { field: string, desc: boolean, key: string }

export function parseSort (raw: string): Sort {
  return raw.startsWith('-') ? { field: raw.slice(1), desc: true, key: raw } : { field: raw, desc: false, key: raw }
}

/** The cursor of each row of a page: an array, or computed on first use (LazyCursors). */
export interface CursorList { readonly length: number, at: (i: number) => string | undefined }

/**
 * Cursors signed only when read: a GraphQL connection asks for each edge's cursor only if the
 * query selects `cursor`, and REST only for the last row (nextCursor). Signing every row's cursor
 * up front cost ~5 % of a nested query's CPU.
 */
export class LazyCursors implements CursorList {
  private readonly made: Array<string | undefined> = []
  constructor (readonly length: number, private readonly make: (i: number) => string) {}
  at (i: number): string | undefined {
    if (i < 0) i += this.length
    if (i < 0 || i >= this.length) return undefined
    return (this.made[i] ??= this.make(i))
  }
}

/**
 * A page of rows. `hasMore` says whether a next page exists without making its cursor: a page
 * from toPage signs `nextCursor` only when it is read (a nested connection that asks no
 * pageInfo signed one HMAC per parent for nothing).
 */
export interface Page<T> { data: T[], readonly nextCursor: string | null, cursors: CursorList, hasMore?: boolean }

type CursorValue = string | number | null

export class CursorCodec {
  constructor (private readonly key: string) {}

  private sign (payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22)
  }

  encode (orgId: string, sort: string, values: CursorValue[]): string {
    const payload = Buffer.from(JSON.stringify({ o: orgId, s: sort, v: values })).toString('base64url')
    return `${payload}.${this.sign(payload)}`
  }

  decode (orgId: string, sort: string, cursor: string): CursorValue[] {
    const bad = () => new AppError('HERALD_BAD_CURSOR', 'The cursor is not valid for this collection, sort and credential; start again without it.', { errors: [{ path: 'cursor', message: 'invalid cursor' }] })
    const [payload, mac] = cursor.split('.')
    if (!payload || !mac) throw bad()
    const expected = Buffer.from(this.sign(payload))
    const given = Buffer.from(mac)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad()
    let parsed: { o?: string, s?: string, v?: CursorValue[] }
    try { parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) } catch { throw bad() }
    if (parsed.o !== orgId || parsed.s !== sort || !Array.isArray(parsed.v)) throw bad()
    return parsed.v
  }
}

export interface KeysetArgs {
  orgId: string
  sort: Sort
  columns: Record<string, PgColumn>
  idColumn: PgColumn
  /** Sort fields whose column may be NULL: rows without a value come last in both directions. */
  nullable?: readonly string[]
  cursor?: string
  limit: number
  codec: CursorCodec
  /** Also count every row the filters match, whatever the cursor, in the same statement. */
  withTotal?: boolean
}

/** A page that may carry how many rows match its filters (asked with `withTotal`). */
export type CountedPage<T> = Page<T> & { totalCount?: number }

/**
 * Whether a list query asks for its total: GraphQL sets `withTotal` on the parsed arguments
 * when a connection's `totalCount` is selected, REST when `include=totalCount` is given. The
 * flag rides on the query object that services already pass down to repositories.
 */
export const wantsTotal = (q: object): boolean => (q as { withTotal?: unknown }).withTotal === true || (q as { include?: unknown }).include === 'totalCount'

/** REST's `include=totalCount`: the list body also says how many match (GraphQL's totalCount). */
export const includeSchema = z.enum(['totalCount']).optional()

/**
 * What every list takes (limit, cursor, include, sort on these fields, this one by default),
 * to spread into its query schema before its own filters.
 */
export function pageParams<const F extends string> (fields: readonly F[], fallback: `${'' | '-'}${F}`) {
  return { limit: limitSchema, cursor: cursorSchema, include: includeSchema, sort: sortSchema(fields, fallback) }
}

/** A page with nothing in it (a filter on a brand the caller may not see), with its total when asked. */
export const emptyPage = <T>(q: object): CountedPage<T> => ({ data: [], nextCursor: null, cursors: [], ...(wantsTotal(q) ? { totalCount: 0 } : {}) })

/** The list query that asks for its total too. */
export const withTotalOf = <Q>(q: Q, asked: boolean): Q => (asked ? { ...(q as object), withTotal: true } as Q : q)

/**
 * Builds the WHERE fragment and ORDER BY for one page. A nullable sort column (a content
 * item's scheduledAt, a request's dueAt) sorts NULLS LAST either way, so the next page cannot
 * be a plain row comparison, which is never true against NULL: after a value, the rest is
 * "beyond it, or equal with a greater id, or null"; after a null, only nulls with a greater id.
 */
export function keyset (args: KeysetArgs, bind: Bind = asParam): { where: SQL | undefined, orderBy: SQL[], take: number } {
  const column = args.columns[args.sort.field]
  if (!column) throw new AppError('HERALD_VALIDATION', `Cannot sort by ${args.sort.field}.`, { errors: [{ path: 'sort', message: 'unknown sort field' }] })
  const nullable = args.nullable?.includes(args.sort.field) ?? false
  const descending = args.sort.desc
  const dir = descending ? desc : asc
  const id = args.idColumn
  const orderBy = nullable
    ? [descending ? sql`${column} desc nulls last` : sql`${column} asc nulls last`, dir(id)]
    : [dir(column), dir(id)]
  let where: SQL | undefined
  if (args.cursor) {
    const [value, lastId] = args.codec.decode(args.orgId, args.sort.key, args.cursor)
    const afterId = bind('afterId', lastId)
    if (!nullable || value === null) {
      // A null sort value binds nothing else: after a null, only nulls with a greater id.
      where = nullable
        ? and(isNull(column), descending ? lt(id, afterId) : gt(id, afterId))
        : descending ? sql`(${column}, ${id}) < (${bindValue(bind, column, value)}, ${afterId})` : sql`(${column}, ${id}) > (${bindValue(bind, column, value)}, ${afterId})`
    } else {
      const v = bindValue(bind, column, value)
      const after = descending ? lt(id, afterId) : gt(id, afterId)
      where = or(descending ? lt(column, v) : gt(column, v), and(eq(column, v), after), isNull(column))
    }
  }
  return { where, orderBy, take: args.limit + 1 }
}

/** A cursor's sort value, as the column's type (a timestamp as a Date). */
const bindValue = (bind: Bind, column: PgColumn, value: CursorValue) =>
  bind('after', column.columnType === 'PgTimestamp' && value !== null ? new Date(value as string) : value)

/** Turns limit+1 rows into a page and its next cursor (the sort value defaults to row[field]). */
export function toPage<R extends { id: string }> (rows: R[], args: KeysetArgs, valueOf: (row: R) => unknown = (row) => (row as Record<string, unknown>)[args.sort.field]): Page<R> {
  const hasMore = rows.length > args.limit
  const data = hasMore ? rows.slice(0, args.limit) : rows
  const cursors = new LazyCursors(data.length, (i) => {
    const v = valueOf(data[i])
    return args.codec.encode(args.orgId, args.sort.key, [v instanceof Date ? v.toISOString() : v as CursorValue, data[i].id])
  })
  return { data, hasMore, cursors, get nextCursor () { return hasMore ? cursors.at(data.length - 1)! : null } }
}

export const andAll = (...parts: Array<SQL | undefined>) => and(...parts.filter((p): p is SQL => p !== undefined))
