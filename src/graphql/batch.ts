import type { GraphQLResolveInfo } from 'graphql'
// Batching for nested connections: a loader receives every (parent, arguments) pair of a
// query level at once; parents asking with the same arguments are served by one call.

export interface LoaderQuery<O> { obj: O, params: Record<string, unknown>, info?: GraphQLResolveInfo }

/**
 * One call per distinct set of arguments, each for every parent asking with them: a page of
 * 20 brands asking for `contentItems(first: 5)` is one statement, not 20.
 */
export async function perParams<O, R> (queries: Array<LoaderQuery<O>>, parentOf: (obj: O) => string, run: (params: Record<string, unknown>, parents: string[]) => Promise<Map<string, R>>): Promise<Array<R | undefined>> {
  const groups = new Map<string, Array<LoaderQuery<O>>>()
  for (const q of queries) {
    const key = JSON.stringify(q.params ?? {})
    groups.set(key, [...(groups.get(key) ?? []), q])
  }
  const out = new Map<LoaderQuery<O>, R | undefined>()
  for (const group of groups.values()) {
    const found = await run(group[0].params ?? {}, [...new Set(group.map((q) => parentOf(q.obj)))])
    for (const q of group) out.set(q, found.get(parentOf(q.obj)))
  }
  return queries.map((q) => out.get(q))
}
