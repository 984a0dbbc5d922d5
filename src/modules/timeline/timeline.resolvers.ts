import type { MercuriusLoaders } from 'mercurius'
import type { Ctx } from '../../lib/context.js'
import type { Page } from '../../lib/pagination.js'
import { perParams, type LoaderQuery } from '../../graphql/batch.js'
import { pageQuery, parseArgs, toConnection } from '../../graphql/connection.js'
import { TimelineQuery, type TimelineEntryDto } from './timeline.schemas.js'
import type { TimelineService } from './timeline.service.js'

const connection = (page: Page<TimelineEntryDto> | undefined) => {
  const c = toConnection(page ?? { data: [], nextCursor: null, cursors: [] })
  // GraphQL has no JSON scalar here: data travels as JSON text, like RevisionChange.before.
  return { ...c, edges: c.edges.map((e) => ({ ...e, node: { ...e.node, data: JSON.stringify(e.node.data) } })) }
}

export function timelineLoaders (service: TimelineService): MercuriusLoaders {
  return {
    ContentItem: {
      timeline: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await service.listForItems(ctx, ids, parseArgs(TimelineQuery, pageQuery(params))))).map(connection)
    }
  }
}
