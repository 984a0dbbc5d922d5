import { actorRef } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, isUniqueViolation } from '../../lib/errors.js'
import type { RecordEvent } from '../events/public.js'
import type { MembersService } from '../members/public.js'
import type { ContentItemDto, ContentRevisionsService, ContentStatus } from '../content-items/public.js'
import type { ApprovalPoliciesService } from '../approval-policies/public.js'
import { approvalStands, resolveEligible, unreachableSteps } from './approval-engine.js'
import type { ApprovalRequestRow, ApprovalRequestsRepository } from './approval-requests.repository.js'
import { toRequestDto } from './approval-requests.dto.js'

// What approvals do when content moves, plugged into the content module's hooks and run in
// the request's transaction (a throw rolls the content change back):
// - submitted: open a request bound to the submitted revision, with the policy frozen;
// - publishableChanged / transitioned: a request whose content changed, or whose item left
//   review, is invalidated (resubmitting opens a new one);
// - beforeTransition: nothing is approved, scheduled or published without an approved
//   request for exactly the content that would go out.

export interface ApprovalHooksDeps {
  repo: ApprovalRequestsRepository
  policies: Pick<ApprovalPoliciesService, 'effectivePolicy'>
  members: Pick<MembersService, 'listActive'>
  revisions: Pick<ContentRevisionsService, 'samePublishable'>
  record: RecordEvent
}

/** Statuses that only an approved review of the current content may reach. */
const GUARDED: readonly ContentStatus[] = ['scheduled', 'publishing']

/** Statuses in which an open or approved request no longer stands (the item must be resubmitted). */
const ENDS_REVIEW: readonly ContentStatus[] = ['draft', 'changes_requested', 'archived']

export function createApprovalHooks (deps: ApprovalHooksDeps) {
  const { repo, policies, members, revisions, record } = deps

  async function invalidated (ctx: Ctx, row: ApprovalRequestRow, previousStatus: string, data: Record<string, unknown>) {
    await record(ctx, {
      type: 'approval_request.invalidated',
      subjectType: 'approval_request',
      subjectId: row.id,
      brandId: row.brandId,
      data: { requestId: row.id, contentItemId: row.contentItemId, previousStatus, revision: row.revision, ...data }
    })
  }

  /** Invalidates the item's latest request when it is open or approved. */
  async function invalidateLatest (ctx: Ctx, itemId: string, data: Record<string, unknown>): Promise<void> {
    const latest = (await repo.latestForItems(ctx.actor.orgId, [itemId], ctx.db)).get(itemId)
    if (!latest || (latest.status !== 'open' && latest.status !== 'approved')) return
    const row = await repo.update(ctx.actor.orgId, latest.id, latest.version, { status: 'invalidated', closed: true }, ctx.db)
    // The item's row is locked by the caller, so nobody else can have changed its request.
    if (!row) throw new Error(`approval request ${latest.id} changed under a locked item`)
    await invalidated(ctx, row, latest.status, data)
  }

  /** The item's approval: its latest request, and whether that approves what would be published now. */
  async function approvalState (ctx: Ctx, item: { id: string, revision: number }): Promise<{ latest: ApprovalRequestRow | undefined, current: boolean }> {
    const latest = (await repo.latestForItems(ctx.actor.orgId, [item.id], ctx.db)).get(item.id)
    const current = await approvalStands(latest, item.revision, async (a, b) => await revisions.samePublishable(ctx, item.id, a, b))
    return { latest, current }
  }

  const guarded = (info: { from: ContentStatus, to: ContentStatus }) =>
    (info.from === 'in_review' && info.to === 'approved') || GUARDED.includes(info.to)

  /** Why an item without a standing approval of its current content may not move. */
  function refusal (item: { revision: number }, latest: ApprovalRequestRow | undefined): AppError {
    if (latest?.status === 'approved') {
      return new AppError('HERALD_CONFLICT', `The approved revision (${latest.revision}) is not what would be published now (revision ${item.revision}); submit it for review again.`, { extra: { reason: 'approval_stale' } })
    }
    return new AppError('HERALD_CONFLICT', `This item needs an approved review of its current content first${latest ? ` (its latest approval request is ${latest.status})` : ''}; submit it for review.`, { extra: { reason: 'approval_required' } })
  }

  return {

    async submitted (ctx: Ctx, item: ContentItemDto, info: { revision: number, dueAt: string | null }): Promise<void> {
      if (info.dueAt && new Date(info.dueAt).getTime() <= Date.now()) {
        throw new AppError('HERALD_UNPROCESSABLE', 'dueAt must be in the future.', { errors: [{ path: 'dueAt', message: 'is not in the future' }] })
      }
      const policy = await policies.effectivePolicy(ctx, item.brandId, item.campaignId)
      const active = await members.listActive(ctx)
      const steps = resolveEligible(policy.steps, active, { brandId: item.brandId, authorId: item.createdBy.id })
      const unreachable = unreachableSteps(steps)
      if (unreachable.length) {
        const errors = unreachable.map((i) => ({ path: `approvalPolicy/steps/${i}`, message: `nobody can decide at step "${steps[i].name}": no active member qualifies who can see the brand and is not the author` }))
        throw new AppError('HERALD_UNPROCESSABLE', `The approval policy "${policy.name}" cannot be completed: ${errors.map((e) => e.message).join('; ')}. Change the policy or the team, then submit again.`, { errors })
      }
      let row: ApprovalRequestRow
      try {
        row = await repo.insert(ctx.actor.orgId, {
          brandId: item.brandId,
          contentItemId: item.id,
          revision: info.revision,
          policyId: policy.policyId,
          policyName: policy.name,
          steps,
          dueAt: info.dueAt ? new Date(info.dueAt) : null,
          submittedByType: actorRef(ctx.actor).type,
          submittedById: actorRef(ctx.actor).id,
          submittedByLabel: ctx.actor.label
        }, ctx.db)
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('HERALD_CONFLICT', 'This item already has an open approval request.', { extra: { reason: 'request_open' } })
        throw err
      }
      await record(ctx, {
        type: 'approval_request.opened',
        subjectType: 'approval_request',
        subjectId: row.id,
        brandId: row.brandId,
        // No labels: the event is read by whoever may read events, whatever the submitter could see.
        data: { contentItemId: item.id, policySource: policy.source, request: toRequestDto(row, [], false) }
      })
    },

    async publishableChanged (ctx: Ctx, item: ContentItemDto, info: { changed: string[], revision: number }): Promise<void> {
      await invalidateLatest(ctx, item.id, { reason: 'edited', changed: info.changed, contentRevision: info.revision })
    },

    /** Catch-all: an item leaving review any other way (archived, moved by another module). */
    async transitioned (ctx: Ctx, item: ContentItemDto, info: { from: ContentStatus, to: ContentStatus, reason: string }): Promise<void> {
      if (ENDS_REVIEW.includes(info.to)) await invalidateLatest(ctx, item.id, { reason: info.reason, contentStatus: info.to })
    },

    async beforeTransition (ctx: Ctx, item: ContentItemDto, info: { from: ContentStatus, to: ContentStatus }): Promise<void> {
      if (!guarded(info)) return
      const { latest, current } = await approvalState(ctx, item)
      if (!current) throw refusal(item, latest)
    },

    /**
     * The same guard for many items (the publisher's batches): their latest requests in one
     * statement; revisions are compared only for an approval of an earlier revision.
     */
    async beforeTransitionMany (ctx: Ctx, list: ReadonlyArray<{ subject: ContentItemDto, info: { from: ContentStatus, to: ContentStatus } }>): Promise<Map<string, unknown>> {
      const refusals = new Map<string, unknown>()
      const checked = list.filter((e) => guarded(e.info)).map((e) => e.subject)
      if (checked.length === 0) return refusals
      const latest = await repo.latestForItems(ctx.actor.orgId, checked.map((i) => i.id), ctx.db)
      const current = await Promise.all(checked.map(async (item) => {
        return await approvalStands(latest.get(item.id), item.revision, async (a, b) => await revisions.samePublishable(ctx, item.id, a, b))
      }))
      checked.forEach((item, i) => { if (!current[i]) refusals.set(item.id, refusal(item, latest.get(item.id))) })
      return refusals
    }
  }
}
export type ApprovalHooks = ReturnType<typeof createApprovalHooks>
