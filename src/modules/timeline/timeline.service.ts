import { together } from '../../lib/together.js'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import type { CountedPage, Page } from '../../lib/pagination.js'
import type { Actor } from '../../lib/actor.js'
import { labelFor, seesInternal } from '../../lib/visibility.js'
import type { TimelineQueries, TimelineRow } from './timeline.queries.js'
import type { TimelineEntryDto, TimelineQuery } from './timeline.schemas.js'

/** An entry as this reader may see it: the actor's label only for those who may read members. */
const toTimelineEntryDto = (reader: Actor, r: TimelineRow): TimelineEntryDto => {
  const actor = { type: r.actorType, id: r.actorId, label: r.actorLabel }
  return { id: r.id, type: r.type, at: iso(r.at)!, actor: { ...actor, label: labelFor(reader, actor) }, data: r.data }
}

const dtoPage = (reader: Actor, page: CountedPage<TimelineRow>): CountedPage<TimelineEntryDto> => ({ ...page, data: page.data.map((r) => toTimelineEntryDto(reader, r)) })

export function createTimelineService (deps: { queries: TimelineQueries }) {
  const { queries: repo } = deps

  return {
    /** What happened to an item, merged in time order; internal comments only for the team. */
    async list (ctx: Ctx, itemId: string, q: TimelineQuery): Promise<CountedPage<TimelineEntryDto>> {
      authorize(ctx.actor, 'content:read')
      // The item's check is the first read's own failure: it wins over the page's (a cursor of
      // another organization is "not found" there, not a bad cursor).
      const visibleItem = async () => {
        const item = await repo.findItem(ctx.actor.orgId, itemId, ctx.db)
        if (!item || !canSeeBrand(ctx.actor, item.brandId)) throw notFound('Content item')
      }
      const [, pages] = await together(visibleItem(), repo.perItem(ctx.actor.orgId, [itemId], q, { internal: seesInternal(ctx.actor) }, ctx.db))
      return dtoPage(ctx.actor, pages.get(itemId)!)
    },

    /** ContentItem.timeline for a page of (already visible) items, in one statement. */
    async listForItems (ctx: Ctx, itemIds: readonly string[], q: TimelineQuery): Promise<Map<string, Page<TimelineEntryDto>>> {
      authorize(ctx.actor, 'content:read')
      const pages = await repo.perItem(ctx.actor.orgId, itemIds, q, { internal: seesInternal(ctx.actor) }, ctx.db)
      return new Map([...pages].map(([id, page]) => [id, dtoPage(ctx.actor, page)]))
    },

    /** The guest's item's newest entries, oldest first, filtered as for a client. */
    async forGuest (ctx: Ctx, limit: number): Promise<{ entries: TimelineEntryDto[], more: boolean }> {
      const grant = ctx.actor.guest
      if (!grant) throw new AppError('HERALD_FORBIDDEN', 'Only a guest review link may read this.')
      const page = (await repo.perItem(ctx.actor.orgId, [grant.contentItemId], { limit, sort: '-createdAt' }, { internal: false }, ctx.db)).get(grant.contentItemId)!
      return { entries: page.data.map((r) => toTimelineEntryDto(ctx.actor, r)).reverse(), more: page.nextCursor !== null }
    }
  }
}
export type TimelineService = ReturnType<typeof createTimelineService>
