import { together } from '../../lib/together.js'
import { actorRef, authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import type { Jobs } from '../../plugins/jobs.js'
import type { BrandsService } from '../brands/public.js'
import type { PublishingService } from '../publishing/public.js'
import type { ContentActions } from '../content-items/public.js'
import type { RecordEvent } from '../events/public.js'
import type { CrisisQueries } from './crisis.queries.js'
import type { CrisisRepository, PauseRow } from './crisis.repository.js'
import type { PauseDto, PauseInput, ResumeInput } from './incidents.schemas.js'
import { toPauseDto } from './crisis-dto.js'

// Brand pauses: while one is in force nothing of the brand is handed to a publisher. Pausing
// moves the brand's scheduled items (due before the resume time, if one is given) to `held`
// through the content module's transition door, in the order they are due; a dry run lists
// exactly those items and changes nothing. Resuming releases them (back to scheduled, in order)
// or leaves them approved for rescheduling. The publisher's hand-over is refused for a paused
// brand (beforeTransition to publishing), so an item goes out before the pause or never.

export interface PausesDeps {
  repo: CrisisRepository
  queries: CrisisQueries
  jobs: Pick<Jobs, 'add' | 'remove'>
  brands: Pick<BrandsService, 'visible'>
  content: Pick<ContentActions, 'transition'>
  /** Queues a released item's hand-over again (publishing keeps a hand-over-held item scheduled). */
  publishing: Pick<PublishingService, 'release'>
  record: RecordEvent
}

const actorCols = (ctx: Ctx) => { const a = actorRef(ctx.actor); return { actorType: a.type, actorId: a.id, actorLabel: a.label } }

export function createPausesService (deps: PausesDeps) {
  const { repo, queries, jobs, brands, content, publishing, record } = deps
  const resumeKey = (pauseId: string) => `crisis-resume:${pauseId}`

  /** Moves each item still in `from` to `to`, in order; the ones that moved. */
  async function moveAll (ctx: Ctx, ids: readonly string[], to: 'held' | 'scheduled' | 'approved', reason: string): Promise<string[]> {
    const moved: string[] = []
    for (const id of ids) {
      try {
        const item = await content.transition(ctx, id, to, reason)
        if (item.status === to) moved.push(id)
      } catch (err) {
        // Handed to a publisher, archived or edited meanwhile: not this pause's to move.
        if (err instanceof AppError && (err.code === 'HERALD_ILLEGAL_TRANSITION' || err.code === 'HERALD_NOT_FOUND')) continue
        throw err
      }
    }
    return moved
  }

  async function resumeRow (ctx: Ctx, pause: PauseRow, input: ResumeInput, reason: string): Promise<PauseDto> {
    const mode = input.onResume ?? pause.onResume
    const released = await moveAll(ctx, pause.heldItemIds, mode === 'release' ? 'scheduled' : 'approved', reason)
    if (mode === 'release') {
      // Items held at hand-over stayed scheduled: queue them again; queue the moved ones too.
      for (const id of pause.heldItemIds) {
        if (await publishing.release(ctx, id) && !released.includes(id)) released.push(id)
      }
    }
    const row = await repo.pauses.update(ctx.actor.orgId, pause.id, pause.version, { endedAt: new Date(), onResume: mode, releasedItemIds: released }, ctx.db)
    if (!row) throw new AppError('HERALD_CONFLICT', 'The pause changed meanwhile; read it again.')
    if (pause.resumeAt) await jobs.remove(resumeKey(pause.id), ctx.db)
    const dto = toPauseDto(row)
    await record(ctx, { type: 'brand.resumed', subjectType: 'brand', subjectId: row.brandId, brandId: row.brandId, data: { pause: dto, mode, releasedItemIds: released } })
    if (row.incidentId) await repo.incidents.addEntry(ctx.actor.orgId, row.incidentId, { kind: 'resumed', data: { pauseId: row.id, mode, releasedItemIds: released }, ...actorCols(ctx) }, ctx.db)
    return dto
  }

  return {
    /** The pause in force for a brand, or null (for other modules' rules and the hand-over guard). */
    async activeFor (ctx: Ctx, brandId: string): Promise<PauseDto | null> {
      const row = await repo.pauses.active(ctx.actor.orgId, brandId, ctx.db)
      return row ? toPauseDto(row) : null
    },

    async get (ctx: Ctx, brandId: string): Promise<PauseDto | null> {
      authorize(ctx.actor, 'incidents:read')
      const [, row] = await together(brands.visible(ctx, brandId), repo.pauses.active(ctx.actor.orgId, brandId, ctx.db))
      return row ? toPauseDto(row) : null
    },

    async pause (ctx: Ctx, brandId: string, input: PauseInput, incidentId: string | null = null): Promise<PauseDto> {
      authorize(ctx.actor, 'incidents:write')
      await brands.visible(ctx, brandId)
      const resumeAt = input.resumeAt ? new Date(input.resumeAt) : null
      if (resumeAt && resumeAt.getTime() <= Date.now()) {
        throw new AppError('HERALD_VALIDATION', 'resumeAt must be in the future.', { errors: [{ path: 'resumeAt', message: 'must be in the future' }] })
      }
      const existing = await repo.pauses.active(ctx.actor.orgId, brandId, ctx.db)
      if (existing) throw new AppError('HERALD_BRAND_PAUSED', 'Publishing of this brand is already paused; resume it first.', { extra: { pauseId: existing.id } })
      const candidates = await queries.scheduledItems(ctx.actor.orgId, brandId, resumeAt, ctx.db)
      if (input.dryRun) {
        return { id: null, brandId, incidentId, reason: input.reason, resumeAt: resumeAt?.toISOString() ?? null, onResume: input.onResume, dryRun: true, heldItemIds: candidates, releasedItemIds: null, allowedItemIds: [], startedAt: null, endedAt: null }
      }
      const row = await repo.pauses.insert(ctx.actor.orgId, { brandId, incidentId, reason: input.reason, resumeAt, onResume: input.onResume }, ctx.db)
      if (!row) throw new AppError('HERALD_BRAND_PAUSED', 'Publishing of this brand is already paused; resume it first.')
      // The automatic resume commits with the pause, or not at all.
      if (resumeAt) await jobs.add('crisis-resume', { orgId: ctx.actor.orgId, pauseId: row.id }, { key: resumeKey(row.id), runAt: resumeAt, maxAttempts: 5 }, ctx.db)
      const held = await moveAll(ctx, candidates, 'held', `brand paused: ${input.reason}`)
      const updated = held.length ? await repo.pauses.update(ctx.actor.orgId, row.id, row.version, { heldItemIds: held }, ctx.db) : row
      const dto = toPauseDto(updated!)
      await record(ctx, { type: 'brand.paused', subjectType: 'brand', subjectId: brandId, brandId, data: { pause: dto } })
      return dto
    },

    async resume (ctx: Ctx, brandId: string, input: ResumeInput): Promise<PauseDto> {
      authorize(ctx.actor, 'incidents:write')
      await brands.visible(ctx, brandId)
      const pause = await repo.pauses.active(ctx.actor.orgId, brandId, ctx.db, true)
      if (!pause) throw notFound('A pause of this brand')
      return await resumeRow(ctx, pause, input, 'brand resumed')
    },

    /**
     * The publisher's beforeHandOver: an item of a paused brand (not one of its incident's
     * statements) is held at hand-over: it stays scheduled, joins the pause's held items, and
     * is released with them.
     */
    async holdAtHandOver (ctx: Ctx, item: { id: string, brandId: string }): Promise<{ hold: string } | undefined> {
      const pause = await repo.pauses.active(ctx.actor.orgId, item.brandId, ctx.db, true)
      if (!pause || pause.allowedItemIds.includes(item.id)) return undefined
      if (!pause.heldItemIds.includes(item.id)) {
        await repo.pauses.update(ctx.actor.orgId, pause.id, pause.version, { heldItemIds: [...pause.heldItemIds, item.id] }, ctx.db)
        if (pause.incidentId) await repo.incidents.addEntry(ctx.actor.orgId, pause.incidentId, { kind: 'item_held', data: { contentItemId: item.id, pauseId: pause.id }, ...actorCols(ctx) }, ctx.db)
      }
      return { hold: `brand paused: ${pause.reason}` }
    },

    /**
     * holdAtHandOver for a batch of due items: each brand's pause locked once, the items it holds
     * added to it in one update; the same verdicts, by item id (absent: not held).
     */
    async holdAtHandOverMany (ctx: Ctx, items: ReadonlyArray<{ id: string, brandId: string }>): Promise<Map<string, { hold: string }>> {
      const verdicts = new Map<string, { hold: string }>()
      // Locked in one order (by brand id), so two batches never wait for each other's pauses.
      const brandIds = [...new Set(items.map((i) => i.brandId))].sort()
      const found = await Promise.all(brandIds.map(async (b) => await repo.pauses.active(ctx.actor.orgId, b, ctx.db, true)))
      for (const pause of found) {
        if (!pause) continue
        const held = items.filter((i) => i.brandId === pause.brandId && !pause.allowedItemIds.includes(i.id))
        if (held.length === 0) continue
        const added = held.filter((i) => !pause.heldItemIds.includes(i.id)).map((i) => i.id)
        if (added.length) {
          await repo.pauses.update(ctx.actor.orgId, pause.id, pause.version, { heldItemIds: [...pause.heldItemIds, ...added] }, ctx.db)
          if (pause.incidentId) {
            for (const id of added) await repo.incidents.addEntry(ctx.actor.orgId, pause.incidentId, { kind: 'item_held', data: { contentItemId: id, pauseId: pause.id }, ...actorCols(ctx) }, ctx.db)
          }
        }
        for (const i of held) verdicts.set(i.id, { hold: `brand paused: ${pause.reason}` })
      }
      return verdicts
    },

    /** Lets an item go out despite the pause (an incident's holding statement). */
    async allow (ctx: Ctx, pauseId: string, itemId: string): Promise<void> {
      const pause = await repo.pauses.findById(ctx.actor.orgId, pauseId, ctx.db, { lock: true })
      if (!pause || pause.endedAt) return
      await repo.pauses.update(ctx.actor.orgId, pause.id, pause.version, { allowedItemIds: [...pause.allowedItemIds, itemId] }, ctx.db)
    },

    /** For an incident's resolution: ends its pause, if it still holds one. */
    async resumeForIncident (ctx: Ctx, pauseId: string, mode: 'release' | 'reschedule'): Promise<PauseDto | null> {
      const pause = await repo.pauses.findById(ctx.actor.orgId, pauseId, ctx.db, { lock: true })
      if (!pause || pause.endedAt) return null
      return await resumeRow(ctx, pause, { onResume: mode }, 'incident resolved')
    },

    /** Timer: resumes these pauses if their resume time has come and they are still in force (once). */
    async autoResume (ctx: Ctx, pauseIds: readonly string[], now = new Date()): Promise<string[]> {
      const done: string[] = []
      for (const id of pauseIds) {
        const pause = await repo.pauses.findById(ctx.actor.orgId, id, ctx.db, { lock: true })
        if (!pause || pause.endedAt || !pause.resumeAt || pause.resumeAt.getTime() > now.getTime()) continue
        await resumeRow(ctx, pause, {}, 'automatic resume')
        done.push(id)
      }
      return done
    }
  }
}
export type PausesService = ReturnType<typeof createPausesService>
