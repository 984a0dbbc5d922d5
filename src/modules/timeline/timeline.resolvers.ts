import type { MercuriusLoaders } from 'mercurius'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, resolveNestedConnections } from '../../graphql/connection.js'
import { TimelineQuery, type TimelineEntryDto } from './timeline.schemas.js'
import type { TimelineService } from './timeline.service.js'

/** GraphQL has no JSON scalar here: an entry's data travels as JSON text, like RevisionChange.before. */
const jsonData = <C extends { edges: Array<{ node: TimelineEntryDto }> }>(c: C) =>
  ({ ...c, edges: c.edges.map((e) => ({ ...e, node: { ...e.node, data: JSON.stringify(e.node.data) } })) })

export function timelineLoaders (service: TimelineService): MercuriusLoaders {
  return {
    ContentItem: {
      timeline: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await resolveNestedConnections(TimelineQuery, queries, (o) => o.id, async (q, ids) => await service.listForItems(ctx, ids, q))).map(jsonData))
    }
  }
}
