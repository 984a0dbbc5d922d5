import type { GraphQLResolveInfo } from 'graphql'
import type { LoaderQuery } from './batch.js'

// Batched field resolvers from loaders ({ Type: { field: loader } }, the shape mercurius'
// `defineLoaders` takes), without mercurius' per-key cache. That cache (single-user-cache)
// keys every (parent, arguments) pair by serialising the whole parent object with
// safe-stable-stringify, on every call, even for loaders whose cache is off: 7 % of the CPU
// of a query of 200 items asking each for its approval. Every loader here already takes its
// parents' ids once ([...new Set(...)]) and groups equal arguments (perParams), so the cache
// bought nothing but the serialisation.
//
// Batching is the same as mercurius': the pairs a loader is asked for in one turn of the event
// loop (one level of a query) are handed to it together once that turn is over
// (process.nextTick), with the request's GraphQL context; result i answers pair i. Each pair
// carries its `info`, so a loader can tell which parents ask for what (totalCount).

type LoaderFn = (queries: Array<LoaderQuery<any>>, context: any) => Promise<unknown[]>
export type LoaderDefinition = LoaderFn | { loader: LoaderFn, opts?: unknown }
export type LoaderMap = Record<string, Record<string, LoaderDefinition>>
type Resolver = (obj: unknown, params: Record<string, unknown>, context: object, info: GraphQLResolveInfo) => Promise<unknown>

interface Pending { query: LoaderQuery<unknown>, resolve: (v: unknown) => void, reject: (e: unknown) => void }

const kBatches = Symbol('herald.loaderBatches')

export function loaderResolvers (loaders: LoaderMap): Record<string, Record<string, Resolver>> {
  const resolvers: Record<string, Record<string, Resolver>> = {}
  for (const [type, fields] of Object.entries(loaders)) {
    resolvers[type] = {}
    for (const [field, definition] of Object.entries(fields)) {
      const load = typeof definition === 'function' ? definition : definition.loader
      const key = `${type}.${field}`
      // Not async: the promise it returns is the batch's own, one per parent (200 items asking
      // for their approval made 400 promises with an async wrapper).
      resolvers[type][field] = (obj, params, context, info) => {
        const batches = ((context as Record<symbol, Map<string, Pending[]>>)[kBatches] ??= new Map())
        let batch = batches.get(key)
        if (!batch) {
          const pending: Pending[] = batch = []
          batches.set(key, pending)
          process.nextTick(() => {
            batches.delete(key)
            load(pending.map((p) => p.query), context).then((results) => {
              if (!Array.isArray(results) || results.length !== pending.length) throw new Error(`loader ${key} answered ${Array.isArray(results) ? results.length : 'no'} results for ${pending.length} queries`)
              pending.forEach((p, i) => { p.resolve(results[i]) })
            }).catch((err: unknown) => { for (const p of pending) p.reject(err) })
          })
        }
        return new Promise((resolve, reject) => { batch.push({ query: { obj, params, info }, resolve, reject }) })
      }
    }
  }
  return resolvers
}
