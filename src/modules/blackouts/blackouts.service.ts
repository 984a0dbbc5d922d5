import { together } from '../../lib/together.js'
import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { Page } from '../../lib/pagination.js'
import type { BrandsService } from '../brands/public.js'
import type { EventType, RecordEvent } from '../events/public.js'
import type { BlackoutsQueries } from './blackouts.queries.js'
import type { BlackoutRow, BlackoutsRepository } from './blackouts.repository.js'
import type { BlackoutDto, BlackoutListQuery, CreateBlackoutInput, CreatedBlackoutDto } from './blackouts.schemas.js'

// Blackout windows belong to a brand: reading them needs brands:read, changing them
// brands:write. Content checks them on every time it is given (content-validation.ts).

const toBlackoutDto = (r: BlackoutRow): BlackoutDto => ({
  id: r.id,
  brandId: r.brandId,
  startsAt: iso(r.startsAt)!,
  endsAt: iso(r.endsAt)!,
  reason: r.reason,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

export function createBlackoutsService (deps: { repo: BlackoutsRepository, queries: BlackoutsQueries, brands: Pick<BrandsService, 'visible'>, record: RecordEvent }) {
  const { repo, queries, brands, record } = deps

  const event = async (ctx: Ctx, type: EventType, row: BlackoutRow, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'brand_blackout', subjectId: row.id, brandId: row.brandId, data })

  return {
    /**
     * For other modules' rules (content scheduling, publishing): for each instant of a brand,
     * the window that covers it, or null; one statement for all of them.
     */
    async covering (ctx: Ctx, times: ReadonlyArray<{ brandId: string, at: Date }>): Promise<Array<BlackoutDto | null>> {
      if (times.length === 0) return []
      const ms = times.map((t) => t.at.getTime())
      const windows = await repo.overlapping(ctx.actor.orgId, [...new Set(times.map((t) => t.brandId))], new Date(Math.min(...ms)), new Date(Math.max(...ms)), ctx.db)
      return times.map(({ brandId, at }) => {
        const w = windows.find((b) => b.brandId === brandId && b.startsAt <= at && at < b.endsAt)
        return w ? toBlackoutDto(w) : null
      })
    },

    /** One window by its id (node(id:)), with the checks of its brand's list. */
    async get (ctx: Ctx, id: string): Promise<BlackoutDto> {
      authorize(ctx.actor, 'brands:read')
      const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
      if (!row) throw notFound('Blackout')
      await brands.visible(ctx, row.brandId)
      return toBlackoutDto(row)
    },

    async list (ctx: Ctx, brandId: string, q: BlackoutListQuery): Promise<Page<BlackoutDto>> {
      authorize(ctx.actor, 'brands:read')
      const [, page] = await together(brands.visible(ctx, brandId), repo.list(ctx.actor.orgId, brandId, q, ctx.db))
      return { ...page, data: page.data.map(toBlackoutDto) }
    },

    /** Brand.blackouts for a page of brands the caller already sees. */
    async listForBrands (ctx: Ctx, brandIds: readonly string[], q: BlackoutListQuery): Promise<Map<string, Page<BlackoutDto>>> {
      authorize(ctx.actor, 'brands:read')
      const pages = await repo.perBrand(ctx.actor.orgId, brandIds, q, ctx.db)
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map(toBlackoutDto) }]))
    },

    /**
     * Items already planned inside the new window are not changed (the team decides what to
     * do with them); their ids come back so the caller can act.
     */
    async create (ctx: Ctx, brandId: string, input: CreateBlackoutInput): Promise<CreatedBlackoutDto> {
      authorize(ctx.actor, 'brands:write')
      await brands.visible(ctx, brandId)
      const row = await repo.insert(ctx.actor.orgId, brandId, { startsAt: new Date(input.startsAt), endsAt: new Date(input.endsAt), reason: input.reason }, ctx.db)
      const conflictingContentItemIds = await queries.itemsTimedIn(ctx.actor.orgId, brandId, row.startsAt, row.endsAt, ctx.db)
      const blackout = toBlackoutDto(row)
      await event(ctx, 'brand.blackout_created', row, { blackout, conflictingContentItemIds })
      return { ...blackout, conflictingContentItemIds }
    },

    async remove (ctx: Ctx, brandId: string, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'brands:write')
      await brands.visible(ctx, brandId)
      const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
      if (!row || row.brandId !== brandId) throw notFound('Blackout')
      checkVersion(expected, row.version)
      if (!await repo.delete(ctx.actor.orgId, id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
      await event(ctx, 'brand.blackout_deleted', row, { blackout: toBlackoutDto(row) })
    }
  }
}
export type BlackoutsService = ReturnType<typeof createBlackoutsService>
