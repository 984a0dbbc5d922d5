import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql'
import type { z } from 'zod'
import { AppError } from '../lib/errors.js'
import { withTotalOf, type CursorList } from '../lib/pagination.js'
import { perParams, type LoaderQuery } from './batch.js'

/** The loader parameter that says a parent's connection selects totalCount. */
const TOTAL = '__withTotal'

// Relay connections over the same keyset pages as REST, for root fields and nested edges
// alike: `first`/`after` map to the list's `limit`/`cursor`, the list's own zod schema
// validates them (errors name `first`/`after`, as the caller wrote them), and `first: 0` is
// an empty page whose `pageInfo.hasNextPage` still tells whether there are items (Relay allows
// it; REST's `limit` stays 1..200, where a zero page has no use). It fetches one row for that,
// so a client can ask "is there anything?" cheaply.

export interface ConnectionArgs { first?: number | null, after?: string | null }

interface PageLike<T> { data: T[], readonly nextCursor: string | null, cursors?: CursorList, totalCount?: number, hasMore?: boolean }

/**
 * A page as a Relay connection; no page (a parent a batched loader found nothing for) is empty.
 * Paging is forward only (keyset on the list's sort), so `hasPreviousPage` says whether the
 * page was asked for `after` a cursor, i.e. whether the caller has come past some items (the
 * cursor stands for one); Relay allows that answer when looking back would cost a statement.
 */
export function toConnection<T> (page: PageLike<T> | undefined, after?: string | null) {
  const hasPreviousPage = after !== undefined && after !== null
  if (!page) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage, startCursor: null, endCursor: null } }
  const cursors: CursorList = page.cursors ?? []
  return {
    // A cursor is signed only if the query reads it (getters the default resolver calls): an
    // edge's, and pageInfo's start and end (a nested level of ten connections signed twenty
    // cursors nobody asked for).
    edges: page.data.map((node, i) => ({ node, get cursor () { return cursors.at(i) ?? '' } })),
    pageInfo: {
      hasNextPage: page.hasMore ?? page.nextCursor !== null,
      hasPreviousPage,
      get startCursor () { return cursors.at(0) ?? null },
      get endCursor () { return page.nextCursor ?? cursors.at(cursors.length - 1) ?? null }
    }
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

/** A sort enum value (`createdAt_desc`) as REST's sort (`-createdAt`); anything else as given. */
export function restSort (value: unknown): unknown {
  if (typeof value !== 'string') return value
  const m = /^(.+)_(asc|desc)$/.exec(value)
  return m ? `${m[2] === 'desc' ? '-' : ''}${m[1]}` : value
}

/**
 * Whether the query selects `name` on the field being resolved (directly or through
 * fragments), so that a count is computed only for callers who ask for it.
 */
export function selects (info: GraphQLResolveInfo, name: string): boolean {
  const seen = (set: SelectionSetNode | undefined): boolean => (set?.selections ?? []).some((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value === name
    if (sel.kind === Kind.INLINE_FRAGMENT) return seen(sel.selectionSet)
    return seen(info.fragments[sel.name.value]?.selectionSet)
  })
  return info.fieldNodes.some((node) => seen(node.selectionSet))
}

/** The names of the fields selected in these selection sets, through fragments and inline fragments. */
function fieldNames (info: GraphQLResolveInfo, sets: ReadonlyArray<SelectionSetNode | undefined>): Set<string> {
  const out = new Set<string>()
  const names = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) out.add(sel.name.value)
      else if (sel.kind === Kind.INLINE_FRAGMENT) names(sel.selectionSet)
      else names(info.fragments[sel.name.value]?.selectionSet)
    }
  }
  for (const set of sets) names(set)
  return out
}

/**
 * The names of the fields a query selects directly under the field being resolved (an item's
 * `approval { … }`), through fragments; directives are ignored, as in nodeFields.
 */
export const selectedFields = (info: GraphQLResolveInfo): ReadonlySet<string> =>
  perFieldNodes(selectedCache, info, () => fieldNames(info, info.fieldNodes.map((node) => node.selectionSet)))

/**
 * The names of the fields a query selects under `child` of the field being resolved (an item's
 * `approval { decisions { … } }`: selectedUnder(info, 'decisions')), through fragments.
 */
export function selectedUnder (info: GraphQLResolveInfo, child: string): ReadonlySet<string> {
  let byChild = underCache.get(info.fieldNodes)
  if (!byChild) underCache.set(info.fieldNodes, byChild = new Map())
  let names = byChild.get(child)
  if (!names) {
    const sets: SelectionSetNode[] = []
    for (const node of info.fieldNodes) childSets(info, node.selectionSet, child, sets)
    byChild.set(child, names = fieldNames(info, sets))
  }
  return names
}
const underCache = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, ReadonlySet<string>>>()

// A list's items share their field's nodes (the same `info.fieldNodes` array, of one parsed
// document, whose fragments it names), so a selection is walked once per query and field, not
// once per item: 200 items asking for their approval walked it 200 times.
const selectedCache = new WeakMap<GraphQLResolveInfo['fieldNodes'], ReadonlySet<string>>()
const nodeCache = new WeakMap<GraphQLResolveInfo['fieldNodes'], ReadonlySet<string>>()
function perFieldNodes (cache: WeakMap<GraphQLResolveInfo['fieldNodes'], ReadonlySet<string>>, info: GraphQLResolveInfo, walk: () => Set<string>): ReadonlySet<string> {
  let names = cache.get(info.fieldNodes)
  if (!names) cache.set(info.fieldNodes, names = walk())
  return names
}

/**
 * The names of the fields a connection's query selects on its nodes (`edges { node { … } }`),
 * through fragments and inline fragments (directives are ignored: a field under @skip counts as
 * selected, so the answer is never less than what is read).
 */
export function nodeFields (info: GraphQLResolveInfo): ReadonlySet<string> {
  return perFieldNodes(nodeCache, info, () => walkNodeFields(info))
}

/** The selection sets of the fields named `name` in `set`, through fragments and inline fragments. */
function childSets (info: GraphQLResolveInfo, set: SelectionSetNode | undefined, name: string, into: SelectionSetNode[]): void {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value === name && sel.selectionSet) into.push(sel.selectionSet)
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      childSets(info, sel.selectionSet, name, into)
    } else {
      childSets(info, info.fragments[sel.name.value]?.selectionSet, name, into)
    }
  }
}

function walkNodeFields (info: GraphQLResolveInfo): Set<string> {
  const edges: SelectionSetNode[] = []
  for (const node of info.fieldNodes) childSets(info, node.selectionSet, 'edges', edges)
  const nodes: SelectionSetNode[] = []
  for (const set of edges) childSets(info, set, 'node', nodes)
  return fieldNames(info, nodes)
}

/** Connection arguments as the list's REST query: `first: 0` asks for one row (see above). */
function listQuery<S extends z.ZodType> (schema: S, args: ConnectionArgs & Record<string, unknown>): z.infer<S> {
  const { first, after, sort, ...rest } = args
  const query = Object.fromEntries(Object.entries({ ...rest, sort: restSort(sort), limit: first === 0 ? 1 : first ?? undefined, cursor: after ?? undefined })
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
  // No page (a parent the loader found nothing for) is an empty connection: nothing to count.
  const totalCount = page ? page.totalCount ?? null : 0
  if (args.first !== 0) return { ...toConnection(page, args.after), totalCount }
  return { edges: [], pageInfo: { hasNextPage: (page?.data.length ?? 0) > 0, hasPreviousPage: args.after != null, startCursor: args.after ?? null, endCursor: args.after ?? null }, totalCount }
}

/**
 * A root connection over a REST list. With the field's `info`, a query that selects
 * `totalCount` gets it: the list query carries `withTotal` (as REST's `include=totalCount`
 * does), and the repository counts in the same statement as the page.
 */
export async function resolveConnection<S extends z.ZodType, T> (
  schema: S,
  args: ConnectionArgs & Record<string, unknown>,
  list: (query: z.infer<S>) => Promise<PageLike<T>>,
  info?: GraphQLResolveInfo
) {
  return connectionFor(await list(withTotalOf(listQuery(schema, args), info !== undefined && selects(info, 'totalCount'))), args)
}

/**
 * A nested connection's loader, given each query's `info` (mercurius passes it to loaders
 * whose cache is off) so it can tell which parents ask for `totalCount`. Batching is
 * unchanged: the loader still receives every parent of a query level at once, and parents
 * asking with the same arguments are still served by one statement.
 */
export function connectionLoader<O, C> (loader: (queries: Array<LoaderQuery<O>>, context: C) => Promise<unknown[]>) {
  return { loader, opts: { cache: false } }
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
  // Whether totalCount is asked is part of the arguments, so callers who ask and callers who
  // do not are served by separate statements (only the first pay for the count).
  const asked = queries.map((q) => ({ obj: q.obj, params: { ...q.params, ...(q.info && selects(q.info, 'totalCount') ? { [TOTAL]: true } : {}) } }))
  const pages = await perParams(asked, parentOf, async (params, ids) => {
    const { [TOTAL]: total, ...rest } = params
    return await list(withTotalOf(listQuery(schema, rest), total === true), ids)
  })
  return pages.map((page, i) => connectionFor(page, queries[i].params ?? {}))
}
