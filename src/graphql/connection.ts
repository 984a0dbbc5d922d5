import type { z } from 'zod'
import { AppError } from '../lib/errors.js'

// Relay connections over the same keyset pages as REST.

export interface ConnectionArgs { first?: number | null, after?: string | null }

export function toConnection<T> (page: { data: T[], nextCursor: string | null, cursors?: string[] }) {
  const cursors = page.cursors ?? []
  return {
    edges: page.data.map((node, i) => ({ node, cursor: cursors[i] ?? '' })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor ?? cursors[cursors.length - 1] ?? null }
  }
}

/**
 * Validates GraphQL arguments with the zod schema REST uses for the same input, so both faces
 * accept and refuse exactly the same things.
 */
export function parseArgs<S extends z.ZodType> (schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const errors = result.error.issues.map((i) => ({ path: i.path.join('/') || '(input)', message: i.message }))
  throw new AppError('HERALD_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
}

/** Maps Relay `first`/`after` onto a REST list query. */
export const pageQuery = (args: ConnectionArgs & Record<string, unknown>) => {
  const { first, after, ...rest } = args
  return Object.fromEntries(Object.entries({ ...rest, limit: first ?? undefined, cursor: after ?? undefined }).filter(([, v]) => v !== null && v !== undefined))
}
