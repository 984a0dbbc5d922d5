import { together } from '../../lib/together.js'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import type { Database } from '../../db/client.js'
import type { RecordEvent } from '../events/public.js'
import type { ContentItemDto } from '../content-items/public.js'
import type { PublicationRow, PublicationTargetRow } from './publishing.repository.js'
import type { DueItemRow } from './publishing.queries.js'
import type { PublicationDto, PublishResultInput } from './publishing.schemas.js'
import type { PublishOutcome } from './publisher.js'
import { createHandOverBatch } from './hand-over-batch.js'
import {
  FIRST_BATCH, HAND_OVER_BATCH, PUBLISH_JOB, publishJobKey, timeoutJobKey, toPublicationDto, toTargetDto,
  type Due, type HandOverResult, type PublishingDeps, type PublishJobPayload
} from './publishing.model.js'
import { wallTimeInstant } from './wall-time.js'

// The rules of publishing: one job per scheduled item (moved by every reschedule, removed by
// every other move), the guarded hand-over (its set-based batch: hand-over-batch.ts),
// outcomes, time-outs and missed schedules. Jobs, settings and reply shapes: publishing.model.ts.

export function createPublishingService (deps: PublishingDeps) {
  const { repo, queries, content, jobs, record } = deps
  const now = deps.now ?? (() => new Date())
  const firstBatch = Math.max(1, deps.firstBatch ?? FIRST_BATCH)
  const batchSize = Math.max(1, deps.batchSize ?? HAND_OVER_BATCH)
  const { dueOf, handOverBatch } = createHandOverBatch(deps, { now, settle, applyOutcome })

  const event = async (ctx: Ctx, type: Parameters<RecordEvent>[1]['type'], item: { id: string, brandId: string }, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'content_item', subjectId: item.id, brandId: item.brandId, data })

  /** Queues (or moves) the item's one publish job, in the caller's transaction. */
  async function queue (db: Database, orgId: string, itemId: string, scheduledAt: string, runAt = new Date(scheduledAt)): Promise<void> {
    const payload: PublishJobPayload = { orgId, itemId, scheduledAt }
    await jobs.add(PUBLISH_JOB, payload, { key: publishJobKey(itemId), runAt, maxAttempts: 10 }, db)
  }

  /**
   * What the job's own item calls for: the hand-over (`go`, at the instant it is due), or why
   * not — gone, no longer scheduled, a stale job (made for an earlier time of a rescheduled
   * item: it was running when the item moved, so it lost its key, and the job for the new
   * time does the work), or due later by the wall-time rule ("09:00 in Paris" publishes at
   * 09:00 in Paris by today's zone rules, even if they changed since it was scheduled).
   */
  function ownVerdict (item: DueItemRow | undefined, job: PublishJobPayload, at: Date): HandOverResult | { outcome: 'go', due: Date } {
    if (!item) return { outcome: 'skipped', why: 'gone' }
    if (item.status !== 'scheduled' || !item.scheduledAt) return { outcome: 'skipped', why: 'not_scheduled' }
    if (item.scheduledAt.toISOString() !== new Date(job.scheduledAt).toISOString()) return { outcome: 'skipped', why: 'stale_job' }
    const due = wallTimeInstant(item) ?? item.scheduledAt
    if (due.getTime() > at.getTime() + 1000) return { outcome: 'requeued', at: due.toISOString() }
    return { outcome: 'go', due }
  }

  /** After an outcome: every target published → item published; any failed → item failed. */
  async function settle (ctx: Ctx, item: { id: string, brandId: string }, pub: PublicationRow): Promise<PublicationRow> {
    const targets = await repo.targetsOf(ctx.actor.orgId, [pub.id], ctx.db)
    const failed = targets.filter((t) => t.status === 'failed')
    const waiting = targets.filter((t) => t.status === 'requested')
    const outcomes = targets.map(toTargetDto)
    if (failed.length > 0) {
      const reason = failed.some((t) => t.error === 'publisher_timeout') && failed.every((t) => t.error === 'publisher_timeout') ? 'publisher_timeout' : 'target_failed'
      const detail = failed.map((t) => `${t.targetId}: ${t.error ?? 'failed'}`).join('; ').slice(0, 2000)
      const done = await repo.finish(ctx.actor.orgId, pub.id, 'failed', reason, detail, ctx.db)
      await content.transition(ctx, item.id, 'failed', reason)
      await event(ctx, 'content_item.failed', item, { publicationId: pub.id, attempt: pub.attempt, reason, detail, late: pub.late, scheduledAt: pub.scheduledAt.toISOString(), targets: outcomes })
      await jobs.remove(timeoutJobKey(pub.id), ctx.db)
      return done
    }
    if (waiting.length === 0) {
      const done = await repo.finish(ctx.actor.orgId, pub.id, 'published', null, null, ctx.db)
      await content.transition(ctx, item.id, 'published', 'published')
      await event(ctx, 'content_item.published', item, { publicationId: pub.id, attempt: pub.attempt, late: pub.late, scheduledAt: pub.scheduledAt.toISOString(), targets: outcomes })
      await jobs.remove(timeoutJobKey(pub.id), ctx.db)
      return done
    }
    return pub
  }

  async function applyOutcome (ctx: Ctx, target: PublicationTargetRow, outcome: Exclude<PublishOutcome, { status: 'requested' }>): Promise<PublicationTargetRow> {
    return outcome.status === 'published'
      ? await repo.setTarget(ctx.actor.orgId, target.id, { status: 'published', externalId: outcome.externalId, url: outcome.url ?? null, publishedAt: new Date(outcome.publishedAt), error: null, retryable: null }, ctx.db)
      : await repo.setTarget(ctx.actor.orgId, target.id, { status: 'failed', error: outcome.reason, retryable: outcome.retryable }, ctx.db)
  }

  /** Publications of many items (GraphQL), two statements for all of them. */
  async function forItems (ctx: Ctx, itemIds: readonly string[]): Promise<Map<string, PublicationDto[]>> {
    // Both in one round trip: the targets are found by item, not by the publications just read.
    const [pubs, targets] = await together(repo.ofItems(ctx.actor.orgId, itemIds, ctx.db), repo.targetsOfItems(ctx.actor.orgId, itemIds, ctx.db))
    const out = new Map<string, PublicationDto[]>(itemIds.map((id) => [id, []]))
    for (const p of pubs) out.get(p.contentItemId)?.push(toPublicationDto(p, targets.filter((t) => t.publicationId === p.id)))
    return out
  }

  return {
    // ---- the one job per scheduled item (content-items hooks, in the caller's transaction) ----

    /** The item became scheduled, or its time moved while scheduled: (re)queue its job. */
    async scheduled (ctx: Ctx, item: ContentItemDto): Promise<void> {
      if (item.status !== 'scheduled' || !item.scheduledAt) return
      await queue(ctx.db, ctx.actor.orgId, item.id, new Date(item.scheduledAt).toISOString())
    },

    /** The item left scheduled other than by its hand-over (unscheduled, edited, archived…). */
    async unscheduled (ctx: Ctx, item: ContentItemDto): Promise<void> {
      // Deferred (it rides with the transaction's next batch or COMMIT): a batch that fails
      // many items pays no round trip per item for their jobs.
      await jobs.removeMany([publishJobKey(item.id)], ctx.db)
    },

    /**
     * The job: in one transaction (the caller's, as the system actor) re-check everything under
     * the item's row lock and move it to publishing, or record why not. Safe to run twice and
     * from racing workers: only the first finds the item scheduled. In the same transaction
     * and with the same checks, it also hands over up to `firstBatch - 1` other due items of
     * the organization that nobody else holds (FOR UPDATE SKIP LOCKED; whatever its own item
     * calls for), and removes their own jobs: see handOverBatch. The job then drains the rest
     * (handOverDue).
     */
    async handOver (ctx: Ctx, job: PublishJobPayload): Promise<HandOverResult> {
      const orgId = ctx.actor.orgId
      // The item (waiting for its lock, as before) and the batch's other due items (never
      // waiting: SKIP LOCKED) travel in one round trip; the claim runs once the lock is granted.
      const [item, others] = await Promise.all([
        queries.lockItem(orgId, job.itemId, ctx.db),
        queries.claimDue(orgId, job.itemId, firstBatch - 1, ctx.db)
      ])
      const at = now()
      const own = ownVerdict(item, job, at)
      // Not this job's to hand over (done meanwhile, stale, or not due yet by local time): the
      // other due items it claimed are still handed over, or their locks were taken for nothing.
      if (own.outcome === 'requeued' && item) await queue(ctx.db, orgId, item.id, item.scheduledAt!.toISOString(), new Date(own.at))
      const batch = own.outcome === 'go' ? [dueOf(item!, own.due, at)] : []
      for (const o of others) {
        const d = wallTimeInstant(o) ?? o.scheduledAt
        // Not due yet by today's zone rules: its own job re-queues it.
        if (d && d.getTime() <= at.getTime() + 1000) batch.push(dueOf(o, d, at))
      }
      const results = batch.length ? await handOverBatch(ctx, batch, at, own.outcome === 'go' ? item!.id : null) : new Map<string, HandOverResult>()
      return own.outcome === 'go' ? results.get(item!.id)! : own
    },

    /**
     * After its own item, a publish job drains its organization's other due items, one batch
     * (`batchSize`, claimed with SKIP LOCKED) per transaction — so hand-overs commit as they go
     * rather than all at the end, and no item waits for its own job to be fetched. How many
     * were claimed, and how many of them were handed over, failed or held.
     */
    async handOverDue (ctx: Ctx): Promise<{ claimed: number, handled: number }> {
      const claimed = await queries.claimDue(ctx.actor.orgId, null, batchSize, ctx.db)
      const at = now()
      const batch: Due[] = []
      for (const o of claimed) {
        const d = wallTimeInstant(o) ?? o.scheduledAt
        if (d && d.getTime() <= at.getTime() + 1000) batch.push(dueOf(o, d, at))
      }
      const results = batch.length ? await handOverBatch(ctx, batch, at, null) : new Map()
      return { claimed: claimed.length, handled: results.size }
    },

    /** At most this many items per hand-over transaction. */
    batchSize,

    /**
     * An integration reports one target's outcome. The same report twice answers the same
     * (idempotent); a different one for a target that already has an outcome, or any report
     * for an item that is not publishing, is a 409.
     */
    async report (ctx: Ctx, itemId: string, targetId: string, input: PublishResultInput): Promise<PublicationDto> {
      authorize(ctx.actor, 'publishing:write')
      const pub = await repo.latestForUpdate(ctx.actor.orgId, itemId, ctx.db)
      const itemRow = await queries.itemStatus(ctx.actor.orgId, itemId, ctx.db)
      if (!itemRow || !canSeeBrand(ctx.actor, itemRow.brandId)) throw notFound('Content item')
      const item = { id: itemId, brandId: itemRow.brandId }
      const targets = pub ? await repo.targetsOf(ctx.actor.orgId, [pub.id], ctx.db) : []
      const target = targets.find((t) => t.targetId === targetId)
      const notPublishing = () => new AppError('HERALD_CONFLICT', `This item is ${itemRow.status}, not publishing: there is no hand-over waiting for this target's outcome.`, { extra: { reason: 'not_publishing', currentStatus: itemRow.status } })
      if (!pub || !target) {
        // A target of the item that was never handed over: the item is not publishing.
        const known = (await queries.targets(ctx.actor.orgId, itemId, ctx.db)).some((t) => t.id === targetId)
        if (known) throw notPublishing()
        throw notFound('Target')
      }
      if (target.status !== 'requested') {
        const same = target.status === input.status && (input.status === 'published'
          ? target.externalId === input.externalId
          : target.error === input.reason)
        if (same) return toPublicationDto(pub, targets)
        throw new AppError('HERALD_CONFLICT', `This target's outcome was already reported (${target.status}); it cannot change.`, { extra: { reason: 'outcome_reported', currentStatus: itemRow.status } })
      }
      if (itemRow.status !== 'publishing' || pub.status !== 'publishing') throw notPublishing()
      await applyOutcome(ctx, target, input.status === 'published'
        ? { status: 'published', externalId: input.externalId, url: input.url ?? null, publishedAt: input.publishedAt ?? now().toISOString() }
        : { status: 'failed', reason: input.reason, retryable: input.retryable })
      const done = await settle(ctx, item, pub)
      return toPublicationDto(done, await repo.targetsOf(ctx.actor.orgId, [pub.id], ctx.db))
    },

    /** The time-out job: targets still waiting fail with publisher_timeout, and so the item. */
    async timeOut (ctx: Ctx, publicationId: string): Promise<boolean> {
      const pub = await repo.byId(ctx.actor.orgId, publicationId, ctx.db, true)
      if (!pub || pub.status !== 'publishing') return false
      if (pub.deadlineAt && pub.deadlineAt.getTime() > now().getTime() + 1000) return false
      const itemRow = await queries.lockItem(ctx.actor.orgId, pub.contentItemId, ctx.db)
      if (!itemRow || itemRow.status !== 'publishing') return false
      await repo.failWaitingTargets(ctx.actor.orgId, pub.id, 'publisher_timeout', ctx.db)
      await settle(ctx, { id: itemRow.id, brandId: itemRow.brandId }, pub)
      return true
    },

    /** Queues a held (or any scheduled) item's hand-over again, now (crisis resolution). */
    async release (ctx: Ctx, itemId: string): Promise<boolean> {
      const item = await queries.lockItem(ctx.actor.orgId, itemId, ctx.db)
      if (!item || item.status !== 'scheduled' || !item.scheduledAt) return false
      await queue(ctx.db, ctx.actor.orgId, item.id, item.scheduledAt.toISOString(), now())
      return true
    },

    /** Re-queues the job of an item that is past due and still scheduled (its worker died). */
    async requeue (ctx: Ctx, itemId: string): Promise<boolean> {
      const item = await queries.lockItem(ctx.actor.orgId, itemId, ctx.db)
      if (!item || item.status !== 'scheduled' || !item.scheduledAt) return false
      await queue(ctx.db, ctx.actor.orgId, item.id, item.scheduledAt.toISOString(), now())
      return true
    },

    /** Every publication of an item, newest first, with its targets' outcomes. */
    async listForItem (ctx: Ctx, itemId: string): Promise<PublicationDto[]> {
      authorize(ctx.actor, 'content:read')
      const visibleItem = async () => {
        const itemRow = await queries.itemStatus(ctx.actor.orgId, itemId, ctx.db)
        if (!itemRow || !canSeeBrand(ctx.actor, itemRow.brandId)) throw notFound('Content item')
      }
      const [, found] = await together(visibleItem(), forItems(ctx, [itemId]))
      return found.get(itemId) ?? []
    },

    forItems
  }
}

export type PublishingService = ReturnType<typeof createPublishingService>
