import type { z } from 'zod'
import { AppError } from '../lib/errors.js'
import { perParams, type LoaderQuery } from './batch.js'

// Relay connections over the same keyset pages as REST, for root fields and nested edges
// alike: `first`/`after` map to the list's `limit`/`cursor`, the list's own zod schema
// validates them (errors name `first`/`after`, as the caller wrote them), and `first: 0` is
// an empty page whose `pageInfo.hasNextPage` still tells whether there are items (Relay allows
// it; REST's `limit` stays 1..200, where a zero page has no use). It fetches one row for that,
// so a client can ask "is there anything?" cheaply.

export interface ConnectionArgs { first?: number | null, after?: string | null }

interface PageLike<T> { data: T[], nextCursor: string | null, cursors?: string[] }

/** A page as a Relay connection; no page (a parent a batched loader found nothing for) is empty. */
export function toConnection<T> (page: PageLike<T> | undefined) {
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

/** REST names of the page arguments, as GraphQL callers know them. */
const GRAPHQL_NAMES: Record<string, string> = { limit: 'first', cursor: 'after' }

/** Connection arguments as the list's REST query: `first: 0` asks for one row (see above). */
function listQuery<S extends z.ZodType> (schema: S, args: ConnectionArgs & Record<string, unknown>): z.infer<S> {
  const { first, after, ...rest } = args
  const query = Object.fromEntries(Object.entries({ ...rest, limit: first === 0 ? 1 : first ?? undefined, cursor: after ?? undefined })
    .filter(([, v]) => v !== null && v !== undefined))
  try {
    return parseArgs(schema, query)
  } catch (err) {
    if (!(err instanceof AppError) || !err.errors) throw err
    const errors = err.errors.map((e) => {
      const [head, ...tail] = e.path.split('/')
      return { ...e, path: [GRAPHQL_NAMES[head] ?? head, ...tail].join('/') }
    })
    throw new AppError(err.code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
  }
}

function connectionFor<T> (page: PageLike<T> | undefined, args: ConnectionArgs) {
  if (args.first !== 0) return toConnection(page)
  return { edges: [], pageInfo: { hasNextPage: (page?.data.length ?? 0) > 0, endCursor: args.after ?? null } }
}

/** A root connection over a REST list. */
export async function resolveConnection<S extends z.ZodType, T> (
  schema: S,
  args: ConnectionArgs & Record<string, unknown>,
  list: (query: z.infer<S>) => Promise<PageLike<T>>
) {
  return connectionFor(await list(listQuery(schema, args)), args)
}

/**
 * A nested connection (Brand.campaigns, ContentItem.comments…) for every parent a loader was
 * given: one call per distinct set of arguments, for all the parents asking with them, so a
 * page of 20 brands asking for `campaigns(first: 5)` is one statement, not 20.
 */
export async function resolveNestedConnections<S extends z.ZodType, O, T> (
  schema: S,
  queries: Array<LoaderQuery<O>>,
  parentOf: (obj: O) => string,
  list: (query: z.infer<S>, parentIds: string[]) => Promise<Map<string, PageLike<T>>>
) {
  const pages = await perParams(queries, parentOf, async (params, ids) => await list(listQuery(schema, params), ids))
  return pages.map((page, i) => connectionFor(page, queries[i].params ?? {}))
}
