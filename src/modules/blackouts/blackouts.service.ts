import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { Page } from '../../lib/pagination.js'
import type { BrandsService } from '../brands/brands.service.js'
import type { RecordEvent } from '../events/events.service.js'
import type { BlackoutRow, BlackoutsRepository } from './blackouts.repository.js'
import type { BlackoutDto, BlackoutListQuery, CreateBlackoutInput, CreatedBlackoutDto } from './blackouts.schemas.js'

// Blackout windows belong to a brand: reading them needs brands:read, changing them
// brands:write. Content checks them on every time it is given (content-validation.ts).

export const toBlackoutDto = (r: BlackoutRow): BlackoutDto => ({
  id: r.id,
  brandId: r.brandId,
  startsAt: iso(r.startsAt)!,
  endsAt: iso(r.endsAt)!,
  reason: r.reason,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

/** Ids of the brand's items that mean to go out inside [from, to) (from the content module). */
export type TimedItems = (ctx: Ctx, brandId: string, from: Date, to: Date) => Promise<string[]>

export function createBlackoutsService (deps: { repo: BlackoutsRepository, brands: Pick<BrandsService, 'visible'>, timedItems: TimedItems, record: RecordEvent }) {
  const { repo, brands, timedItems, record } = deps

  const event = async (ctx: Ctx, type: string, row: BlackoutRow, data: Record<string, unknown>) =>
    await record(ctx, { type: `brand.${type}`, subjectType: 'brand_blackout', subjectId: row.id, brandId: row.brandId, data })

  return {
    async list (ctx: Ctx, brandId: string, q: BlackoutListQuery): Promise<Page<BlackoutDto>> {
      authorize(ctx.actor, 'brands:read')
      await brands.visible(ctx, brandId)
      const page = await repo.list(ctx.actor.orgId, brandId, q, ctx.db)
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
      const conflictingContentItemIds = await timedItems(ctx, brandId, row.startsAt, row.endsAt)
      const blackout = toBlackoutDto(row)
      await event(ctx, 'blackout_created', row, { blackout, conflictingContentItemIds })
      return { ...blackout, conflictingContentItemIds }
    },

    async remove (ctx: Ctx, brandId: string, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'brands:write')
      await brands.visible(ctx, brandId)
      const row = await repo.findById(ctx.actor.orgId, brandId, id, ctx.db)
      if (!row) throw notFound('Blackout')
      checkVersion(expected, row.version)
      if (!await repo.delete(ctx.actor.orgId, brandId, id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
      await event(ctx, 'blackout_deleted', row, { blackout: toBlackoutDto(row) })
    }
  }
}
export type BlackoutsService = ReturnType<typeof createBlackoutsService>
