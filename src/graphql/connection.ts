import type { z } from 'zod'
import { AppError } from '../lib/errors.js'

// Relay connections over the same keyset pages as REST.

export interface ConnectionArgs { first?: number | null, after?: string | null }

/** A page as a Relay connection; no page (a parent a batched loader found nothing for) is empty. */
export function toConnection<T> (page: { data: T[], nextCursor: string | null, cursors?: string[] } | undefined) {
  if (!page) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } }
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

/** REST names of the page arguments, as GraphQL callers know them. */
const GRAPHQL_NAMES: Record<string, string> = { limit: 'first', cursor: 'after' }

/**
 * A root connection over a REST list: maps `first`/`after` to `limit`/`cursor`, validates with
 * the list's own zod schema (errors name `first`/`after`, not the REST names), and answers
 * `first: 0` with no edges whose `pageInfo.hasNextPage` still tells whether there are items
 * (Relay allows it; REST's `limit` stays 1..200, where a zero page has no use). It fetches one
 * row for that, so a client can ask "is there anything?" cheaply.
 */
export async function resolveConnection<S extends z.ZodType, T> (
  schema: S,
  args: ConnectionArgs & Record<string, unknown>,
  list: (query: z.infer<S>) => Promise<{ data: T[], nextCursor: string | null, cursors?: string[] }>
) {
  const zero = args.first === 0
  let query: z.infer<S>
  try {
    query = parseArgs(schema, pageQuery(zero ? { ...args, first: 1 } : args))
  } catch (err) {
    if (!(err instanceof AppError) || !err.errors) throw err
    const errors = err.errors.map((e) => {
      const [head, ...rest] = e.path.split('/')
      return { ...e, path: [GRAPHQL_NAMES[head] ?? head, ...rest].join('/') }
    })
    throw new AppError(err.code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
  }
  const page = await list(query)
  if (zero) return { edges: [], pageInfo: { hasNextPage: page.data.length > 0, endCursor: args.after ?? null } }
  return toConnection(page)
}
