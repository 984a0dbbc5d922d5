import { randomUUID } from 'node:crypto'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import type { Database } from '../../db/client.js'
import type { RecordEvent } from '../events/public.js'
import type { ContentActions, ContentItemDto } from '../content-items/public.js'
import type { BlackoutsService } from '../blackouts/public.js'
import { composePosts } from '../platforms/public.js'
import type { Jobs } from '../../plugins/jobs.js'
import type { PublishingRepository, PublicationRow, PublicationTargetRow } from './publishing.repository.js'
import type { DueItemRow, PublishingQueries } from './publishing.queries.js'
import type { PublicationDto, PublicationTargetDto, PublishResultInput } from './publishing.schemas.js'
import type { BeforeHandOver, Publisher, PublishOutcome } from './public.js'
import { wallTimeInstant } from './wall-time.js'

// The rules of publishing: one job per scheduled item (moved by every reschedule, removed by
// every other move), the guarded hand-over, outcomes, time-outs and missed schedules.

export const PUBLISH_JOB = 'publish-content-item'
export const TIMEOUT_JOB = 'publish-timeout'
export const publishJobKey = (itemId: string) => `publish:${itemId}`
export const timeoutJobKey = (publicationId: string) => `publish-timeout:${publicationId}`

export interface PublishJobPayload { orgId: string, itemId: string, scheduledAt: string }
export interface TimeoutJobPayload { orgId: string, publicationId: string }

declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    /** Hand one due item over (keyed publish:<itemId>: one per item). */
    'publish-content-item': PublishJobPayload
    /** Fail a hand-over's silent targets with publisher_timeout (keyed per publication). */
    'publish-timeout': TimeoutJobPayload
    /** Every minute: re-queue due items whose job died with its worker; time out silent hand-overs. */
    'publishing-sweep': Record<string, unknown>
  }
}

export interface PublishingSettings {
  /** A target with no outcome after this long fails with publisher_timeout. */
  timeoutMs: number
  /** Due items later than this fail with missed_schedule instead of being posted. */
  missedLimitMs: number
  /** Handed over later than this after scheduledAt: flagged `late`. */
  lateAfterMs: number
}

export type HandOverResult =
  | { outcome: 'handed_over', publicationId: string, late: boolean }
  | { outcome: 'failed', reason: string }
  | { outcome: 'held', reason: string }
  | { outcome: 'requeued', at: string }
  | { outcome: 'skipped', why: 'gone' | 'not_scheduled' | 'stale_job' }

export interface PublishingDeps {
  repo: PublishingRepository
  queries: PublishingQueries
  content: Pick<ContentActions, 'transition'>
  blackouts: Pick<BlackoutsService, 'covering'>
  jobs: Pick<Jobs, 'add' | 'remove'>
  record: RecordEvent
  publisher: Publisher
  settings: PublishingSettings
  beforeHandOver: readonly BeforeHandOver[]
  now?: () => Date
}

const iso = (d: Date | null) => d ? d.toISOString() : null

export function toTargetDto (t: PublicationTargetRow): PublicationTargetDto {
  return {
    targetId: t.targetId,
    socialAccountId: t.socialAccountId,
    status: t.status,
    externalId: t.externalId,
    url: t.url,
    publishedAt: iso(t.publishedAt),
    error: t.error,
    retryable: t.retryable,
    requestedAt: t.requestedAt.toISOString(),
    reportedAt: iso(t.reportedAt)
  }
}

export function toPublicationDto (p: PublicationRow, targets: readonly PublicationTargetRow[]): PublicationDto {
  return {
    id: p.id,
    contentItemId: p.contentItemId,
    attempt: p.attempt,
    status: p.status,
    scheduledAt: p.scheduledAt.toISOString(),
    late: p.late,
    reason: p.reason,
    detail: p.detail,
    publisher: p.publisher,
    startedAt: p.startedAt.toISOString(),
    deadlineAt: iso(p.deadlineAt),
    finishedAt: iso(p.finishedAt),
    targets: targets.map(toTargetDto)
  }
}

export function createPublishingService (deps: PublishingDeps) {
  const { repo, queries, content, blackouts, jobs, record, publisher, settings } = deps
  const now = deps.now ?? (() => new Date())

  const event = async (ctx: Ctx, type: Parameters<RecordEvent>[1]['type'], item: { id: string, brandId: string }, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'content_item', subjectId: item.id, brandId: item.brandId, data })

  /** Queues (or moves) the item's one publish job, in the caller's transaction. */
  async function queue (db: Database, orgId: string, itemId: string, scheduledAt: string, runAt = new Date(scheduledAt)): Promise<void> {
    const payload: PublishJobPayload = { orgId, itemId, scheduledAt }
    await jobs.add(PUBLISH_JOB, payload, { key: publishJobKey(itemId), runAt, maxAttempts: 10 }, db)
  }

  /** Moves the item to failed and records why (a publication with no targets handed over). */
  async function failBeforeHandOver (ctx: Ctx, item: DueItemRow, due: Date, late: boolean, reason: string, detail: string): Promise<HandOverResult> {
    const moved = await content.transition(ctx, item.id, 'failed', reason)
    const attempt = await repo.nextAttempt(ctx.actor.orgId, item.id, ctx.db)
    const pub = await repo.insert(ctx.actor.orgId, { brandId: item.brandId, contentItemId: item.id, attempt, status: 'failed', scheduledAt: due, late, reason, detail, publisher: publisher.name, finishedAt: now() }, ctx.db)
    await event(ctx, 'content_item.failed', moved, { publicationId: pub.id, attempt, reason, detail, late, scheduledAt: due.toISOString(), targets: [] })
    return { outcome: 'failed', reason }
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
    const pubs = await repo.ofItems(ctx.actor.orgId, itemIds, ctx.db)
    const targets = await repo.targetsOf(ctx.actor.orgId, pubs.map((p) => p.id), ctx.db)
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
      await jobs.remove(publishJobKey(item.id), ctx.db)
    },

    /**
     * The job: in one transaction (the caller's, as the system actor) re-check everything under
     * the item's row lock and move it to publishing, or record why not. Safe to run twice and
     * from racing workers: only the first finds the item scheduled.
     */
    async handOver (ctx: Ctx, job: PublishJobPayload): Promise<HandOverResult> {
      const orgId = ctx.actor.orgId
      const item = await queries.lockItem(orgId, job.itemId, ctx.db)
      if (!item) return { outcome: 'skipped', why: 'gone' }
      if (item.status !== 'scheduled' || !item.scheduledAt) return { outcome: 'skipped', why: 'not_scheduled' }
      // A job made for an earlier time of a rescheduled item (it was running when the item
      // moved, so it lost its key): the job for the new time does the work.
      if (item.scheduledAt.toISOString() !== new Date(job.scheduledAt).toISOString()) return { outcome: 'skipped', why: 'stale_job' }

      // The wall-time rule: "09:00 in Paris" publishes at 09:00 in Paris by today's zone rules,
      // even if they changed since it was scheduled (the stored instant is then out of date).
      const due = wallTimeInstant(item) ?? item.scheduledAt
      const at = now()
      if (due.getTime() > at.getTime() + 1000) {
        await queue(ctx.db, orgId, item.id, item.scheduledAt.toISOString(), due)
        return { outcome: 'requeued', at: due.toISOString() }
      }
      const lateness = at.getTime() - due.getTime()
      const late = lateness > settings.lateAfterMs
      if (lateness > settings.missedLimitMs) {
        return await failBeforeHandOver(ctx, item, due, late, 'missed_schedule', `due at ${due.toISOString()}, found ${Math.round(lateness / 1000)} s later (the limit is ${Math.round(settings.missedLimitMs / 1000)} s); nothing was posted`)
      }
      if (item.brandStatus === 'archived') return await failBeforeHandOver(ctx, item, due, late, 'brand_archived', 'the brand was archived after the item was scheduled')
      // The reads of the checks travel together, in one round trip (the transaction batches
      // statements issued in the same turn), under the item's lock taken above; they are then
      // judged in the same order as before.
      const [[blackout], targets, attempt] = await Promise.all([
        blackouts.covering(ctx, [{ brandId: item.brandId, at: due }]),
        queries.targets(orgId, item.id, ctx.db),
        repo.nextAttempt(orgId, item.id, ctx.db)
      ])
      if (blackout) return await failBeforeHandOver(ctx, item, due, late, 'blackout', `a blackout window (${blackout.id}, ${blackout.startsAt} – ${blackout.endsAt}) covers ${due.toISOString()}`)
      if (targets.length === 0) return await failBeforeHandOver(ctx, item, due, late, 'no_targets', 'the item has no targets')

      for (const handler of deps.beforeHandOver) {
        const verdict = await handler(ctx, { id: item.id, brandId: item.brandId, scheduledAt: due, late })
        if (verdict) {
          const pub = await repo.insert(orgId, { brandId: item.brandId, contentItemId: item.id, attempt, status: 'held', scheduledAt: due, late, reason: verdict.hold, publisher: publisher.name, finishedAt: at }, ctx.db)
          await event(ctx, 'content_item.publish_held', item, { publicationId: pub.id, reason: verdict.hold, scheduledAt: due.toISOString(), late })
          return { outcome: 'held', reason: verdict.hold }
        }
      }

      // The guarded transition: approvals' beforeTransition refuses it unless an approved
      // review of exactly this content stands; that refusal fails the item instead.
      let moved: ContentItemDto
      try {
        moved = await content.transition(ctx, item.id, 'publishing', late ? 'due (late)' : 'due')
      } catch (err) {
        if (err instanceof AppError && err.code === 'HERALD_CONFLICT') {
          const reason = typeof err.extra?.reason === 'string' ? err.extra.reason : 'refused'
          return await failBeforeHandOver(ctx, item, due, late, reason, err.message)
        }
        throw err
      }
      // The publication's id is chosen here, so that it and its targets are inserted in one
      // round trip.
      const publicationId = randomUUID()
      const [pub, rows] = await Promise.all([
        repo.insert(orgId, {
          id: publicationId, brandId: item.brandId, contentItemId: item.id, attempt, status: 'publishing', scheduledAt: due, late, publisher: publisher.name, deadlineAt: new Date(at.getTime() + settings.timeoutMs)
        }, ctx.db),
        repo.insertTargets(orgId, targets.map((t) => ({ publicationId, targetId: t.id, socialAccountId: t.socialAccountId, position: t.position })), ctx.db)
      ])
      await event(ctx, 'content_item.publishing', moved, {
        publicationId: pub.id, attempt, late, scheduledAt: due.toISOString(), lateBySeconds: Math.max(0, Math.round(lateness / 1000)), publisher: publisher.name, targets: rows.map(toTargetDto)
      })
      let final = false
      for (const t of targets) {
        const media = t.media ?? item.media
        const firstComment = t.firstComment ?? item.firstComment
        const posts = composePosts(t.platform as Parameters<typeof composePosts>[0], { kind: item.kind as Parameters<typeof composePosts>[1]['kind'], body: t.body ?? item.body, media, firstComment, hashtags: item.hashtags, link: item.link })
        const outcome = await publisher.publish(ctx, {
          contentItemId: item.id,
          brandId: item.brandId,
          publicationId: pub.id,
          attempt,
          targetId: t.id,
          socialAccount: { id: t.socialAccountId, platform: t.platform, handle: t.handle, externalId: t.externalId, displayName: t.displayName },
          kind: item.kind,
          posts,
          media,
          firstComment,
          link: item.link,
          hashtags: item.hashtags,
          scheduledAt: due.toISOString(),
          late
        })
        if (outcome.status !== 'requested') {
          await applyOutcome(ctx, rows.find((r) => r.targetId === t.id)!, outcome)
          final = true
        }
      }
      if (final) await settle(ctx, item, pub)
      else {
        const payload: TimeoutJobPayload = { orgId, publicationId: pub.id }
        // Deferred: it commits with the hand-over, riding with its COMMIT.
        await jobs.add(TIMEOUT_JOB, payload, { key: timeoutJobKey(pub.id), runAt: pub.deadlineAt!, deferred: true }, ctx.db)
      }
      return { outcome: 'handed_over', publicationId: pub.id, late }
    },

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
      const itemRow = await queries.itemStatus(ctx.actor.orgId, itemId, ctx.db)
      if (!itemRow || !canSeeBrand(ctx.actor, itemRow.brandId)) throw notFound('Content item')
      return (await forItems(ctx, [itemId])).get(itemId) ?? []
    },

    forItems
  }
}

export type PublishingService = ReturnType<typeof createPublishingService>
