// Helpers for mercurius loaders of nested connections (Brand.campaigns, Brand.socialAccounts).

export interface LoaderQuery { obj: { id: string }, params?: Record<string, unknown> }

/**
 * Calls `load` once per distinct set of field arguments with every parent that asked for it,
 * and hands each query its own result back. In practice a page of parents shares one set of
 * arguments, so a nested connection costs one statement whatever the number of parents; the
 * alias limit bounds the number of distinct sets.
 */
export async function groupByArgs<R> (
  queries: readonly LoaderQuery[],
  load: (parentIds: string[], params: Record<string, unknown>) => Promise<R[]>
): Promise<R[]> {
  const groups = new Map<string, { params: Record<string, unknown>, ids: string[] }>()
  const keys = queries.map((q) => {
    const params = q.params ?? {}
    const key = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]))
    const group = groups.get(key) ?? { params, ids: [] }
    if (!group.ids.includes(q.obj.id)) group.ids.push(q.obj.id)
    groups.set(key, group)
    return key
  })
  const results = new Map<string, Map<string, R>>()
  for (const [key, group] of groups) {
    const loaded = await load(group.ids, group.params)
    results.set(key, new Map(group.ids.map((id, i) => [id, loaded[i]])))
  }
  return queries.map((q, i) => results.get(keys[i])!.get(q.obj.id)!)
}
