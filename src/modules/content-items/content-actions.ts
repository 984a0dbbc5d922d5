import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { checkVersion } from '../../lib/etag.js'
import type { ContentStatus } from '../../db/tables/content-items.js'
import type { ContentItemsRepository } from './content-items.repository.js'
import type { ContentItemDto, ScheduleInput, SubmitInput } from './content-items.schemas.js'
import type { ContentCore, ManyMoved } from './content-core.js'
import { resolveSchedule, ScheduleError, type Schedule } from './content-scheduling.js'
import { changedFields, columnsOf, stateOf, type ItemState } from './content-state.js'
import { assertAction, type ContentAction } from './content-status.js'
import { ARCHIVED, issuesError, schedulePath, type ContentValidator, type Issue } from './content-validation.js'
import { AppError } from '../../lib/errors.js'

// The status actions a client calls (submit, schedule, unschedule, archive, restore) and
// transition(), the door through which other modules (approvals, the publisher) move an item.

export function createContentActions (deps: { core: ContentCore, items: ContentItemsRepository, validator: ContentValidator }) {
  const { core, items, validator } = deps

  /** The locked row and its current state, after the permission and If-Match checks. */
  async function load (ctx: Ctx, id: string, expected: number | '*' | undefined, action: ContentAction) {
    authorize(ctx.actor, 'content:write')
    const row = await core.find(ctx, id, { lock: true })
    checkVersion(expected, row.version)
    assertAction(row.status, action)
    return { row, state: stateOf(row, await items.targetsFor(ctx.actor.orgId, [id], ctx.db)) }
  }

  /** Submitting and scheduling move content towards publication: not for an archived brand. */
  async function activeBrand (ctx: Ctx, brandId: string) {
    const brand = await validator.brand(ctx, brandId)
    if (brand.status === 'archived') throw new AppError('HERALD_CONFLICT', `This item's ${ARCHIVED}.`, { extra: { reason: 'brand_archived' } })
    return brand
  }

  /** What must hold before content goes to review or out: somewhere to go, and every rule met. */
  function readiness (state: ItemState): Issue[] {
    if (state.targets.length === 0) return [{ code: 'HERALD_UNPROCESSABLE', path: 'targets', message: 'add at least one target (a social account) first' }]
    return validator.readiness(state, state.targets)
  }

  return {
    async submit (ctx: Ctx, id: string, input: SubmitInput = {}, expected?: number | '*'): Promise<ContentItemDto> {
      const { row, state } = await load(ctx, id, expected, 'submit')
      await activeBrand(ctx, row.brandId)
      const issues = readiness(state)
      if (issues.length) throw issuesError(issues)
      const moved = await core.move(ctx, row, 'in_review', 'submitted', 'submit')
      await core.event(ctx, 'content_item.submitted', moved.row, { from: row.status, revision: moved.row.revision, dueAt: input.dueAt ?? null })
      await core.hooks.afterSubmit.run(ctx, moved.item, { from: row.status, revision: moved.row.revision, dueAt: input.dueAt ?? null })
      return moved.item
    },

    /**
     * approved (or failed) → scheduled, at the time given here or the item's planned time. A
     * new time is an edit of the item (a revision); moving only the time keeps the approval.
     */
    async schedule (ctx: Ctx, id: string, input: ScheduleInput = {}, expected?: number | '*'): Promise<ContentItemDto> {
      const { row, state } = await load(ctx, id, expected, 'schedule')
      const brand = await activeBrand(ctx, row.brandId)
      const issues: Issue[] = []
      let schedule: Schedule | null = state.schedule
      try {
        if (input.scheduledAt !== undefined || input.scheduledLocal !== undefined || input.timeZone !== undefined) {
          const tz = input.timeZone ?? state.schedule?.timeZone ?? brand.timeZone
          schedule = resolveSchedule(input, state.schedule, tz) ?? null
        }
      } catch (err) {
        if (!(err instanceof ScheduleError)) throw err
        issues.push({ code: err.code, path: err.path, message: err.message })
      }
      if (!issues.length && !schedule) issues.push({ code: 'HERALD_UNPROCESSABLE', path: 'scheduledAt', message: 'scheduling needs a time: send scheduledAt or scheduledLocal, or plan one first' })
      if (schedule && schedule.scheduledAt.getTime() <= Date.now()) issues.push({ code: 'HERALD_UNPROCESSABLE', path: schedulePath(schedule), message: 'is in the past; scheduling needs a time in the future' })
      issues.push(...readiness(state))
      if (schedule) issues.push(...await validator.blackoutIssues(ctx, [{ brandId: row.brandId, at: schedule.scheduledAt, path: schedulePath(schedule) }]))
      if (issues.length) throw issuesError(issues)

      const next: ItemState = { ...state, schedule }
      const changed = changedFields(state, next)
      const edit = changed.length ? { ...columnsOf(next), revision: row.revision + 1 } : {}
      const moved = await core.move(ctx, row, 'scheduled', 'scheduled', 'schedule', edit)
      if (changed.length) {
        await core.saveRevisions(ctx, [{ row: moved.row, state: next, changed }])
        await core.event(ctx, 'content_item.updated', moved.row, { changed, revision: moved.row.revision, contentItem: moved.item })
      }
      await core.event(ctx, 'content_item.scheduled', moved.row, { scheduledAt: moved.item.scheduledAt, scheduledLocal: moved.item.scheduledLocal, timeZone: moved.item.timeZone, scheduleBasis: moved.item.scheduleBasis })
      return moved.item
    },

    /** scheduled → approved; the planned time stays, so scheduling again needs no new time. */
    async unschedule (ctx: Ctx, id: string, expected?: number | '*'): Promise<ContentItemDto> {
      const { row } = await load(ctx, id, expected, 'unschedule')
      const moved = await core.move(ctx, row, 'approved', 'unscheduled', 'unschedule')
      await core.event(ctx, 'content_item.unscheduled', moved.row, { scheduledAt: moved.item.scheduledAt })
      return moved.item
    },

    async archive (ctx: Ctx, id: string, expected?: number | '*'): Promise<ContentItemDto> {
      const { row } = await load(ctx, id, expected, 'archive')
      const moved = await core.move(ctx, row, 'archived', 'archived', 'archive')
      await core.event(ctx, 'content_item.archived', moved.row, { from: row.status })
      return moved.item
    },

    /** archived → draft: whatever it was before, restored content is reviewed again. */
    async restore (ctx: Ctx, id: string, expected?: number | '*'): Promise<ContentItemDto> {
      const { row } = await load(ctx, id, expected, 'restore')
      const moved = await core.move(ctx, row, 'draft', 'restored', 'restore')
      await core.event(ctx, 'content_item.restored', moved.row, { archivedFrom: row.archivedFrom })
      return moved.item
    },

    /**
     * For other modules (approvals: in_review → approved | changes_requested | draft; the
     * publisher: scheduled → publishing → published | failed). The caller has authorized the
     * actor for its own purpose; the machine, the brand grant and the hooks still apply.
     */
    async transition (ctx: Ctx, id: string, to: ContentStatus, reason: string): Promise<ContentItemDto> {
      // The item (locked) and its targets in one round trip; the targets are read after the
      // lock is granted (statements of a batch run in order).
      const found = core.find(ctx, id, { lock: true })
      const targets = items.targetsFor(ctx.actor.orgId, [id], ctx.db)
      targets.catch(() => {})
      return (await core.move(ctx, await found, to, reason, undefined, {}, targets)).item
    },

    /**
     * transition() for many items at once (the publisher's batches), for a caller that already
     * holds their row locks: the same machine, brand grant and hooks (beforeTransition in its
     * set-based form), one guarded UPDATE for all. Never throws a refusal: the items refused
     * are answered with the error transition() would have thrown, and stay as they were.
     */
    async transitionMany (ctx: Ctx, moves: ReadonlyArray<{ id: string, reason: string }>, to: Exclude<ContentStatus, 'archived'>): Promise<ManyMoved> {
      return await core.moveMany(ctx, moves, to)
    }
  }
}
export type ContentActions = ReturnType<typeof createContentActions>
