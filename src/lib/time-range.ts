import { gte, lte, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { z } from 'zod'
import { andAll } from './pagination.js'
import { asParam, type Bind } from '../db/bind.js'
import { instantSchema } from './schemas.js'

// Incremental sync (a BI tool asking what changed since its last run): every list whose rows
// carry created_at/updated_at takes the same inclusive bounds, `createdAtFrom`/`createdAtTo`
// and `updatedAtFrom`/`updatedAtTo`, in REST's query string and as GraphQL DateTime arguments,
// validated by the same schema (an RFC 3339 date-time; a lower bound not after its upper bound)
// and applied by the same SQL. One helper, so every list answers them the same way.

/** The bounds on when a row was created. */
export const createdRange = {
  createdAtFrom: instantSchema.optional(),
  createdAtTo: instantSchema.optional()
}

/** The bounds on when a row was created and last changed. */
export const timeRanges = {
  ...createdRange,
  updatedAtFrom: instantSchema.optional(),
  updatedAtTo: instantSchema.optional()
}

export interface TimeRanges { createdAtFrom?: string, createdAtTo?: string, updatedAtFrom?: string, updatedAtTo?: string }

/** A zod check for a list query: each lower bound must not be after its upper bound. */
export function rangesInOrder (q: TimeRanges, ctx: z.RefinementCtx): void {
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const from = q[`${field}From`]
    const to = q[`${field}To`]
    if (from && to && Date.parse(from) > Date.parse(to)) {
      ctx.addIssue({ code: 'custom', path: [`${field}From`], message: `must not be after ${field}To` })
    }
  }
}

/** The WHERE of the bounds a query gives, on the table's own columns (inclusive). */
export function rangeWhere (columns: { createdAt: PgColumn, updatedAt?: PgColumn }, q: TimeRanges, bind: Bind = asParam): SQL | undefined {
  return andAll(
    q.createdAtFrom ? gte(columns.createdAt, bind('createdAtFrom', new Date(q.createdAtFrom))) : undefined,
    q.createdAtTo ? lte(columns.createdAt, bind('createdAtTo', new Date(q.createdAtTo))) : undefined,
    q.updatedAtFrom && columns.updatedAt ? gte(columns.updatedAt, bind('updatedAtFrom', new Date(q.updatedAtFrom))) : undefined,
    q.updatedAtTo && columns.updatedAt ? lte(columns.updatedAt, bind('updatedAtTo', new Date(q.updatedAtTo))) : undefined
  )
}
