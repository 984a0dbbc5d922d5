import { randomUUID } from 'node:crypto'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import type { Database } from '../../db/client.js'
import type { RecordEvent, RecordEvents } from '../events/public.js'
import type { ContentActions, ContentItemDto } from '../content-items/public.js'
import type { BlackoutsService } from '../blackouts/public.js'
import { composePosts } from '../platforms/public.js'
import type { Jobs } from '../../plugins/jobs.js'
import type { PublishingRepository, PublicationRow, PublicationTargetRow } from './publishing.repository.js'
import type { DueItemRow, DueTargetOfRow, PublishingQueries } from './publishing.queries.js'
import type { PublicationDto, PublicationTargetDto, PublishResultInput } from './publishing.schemas.js'
import type { BeforeHandOver, BeforeHandOverMany, Publisher, PublishOutcome, PublishRequest } from './public.js'
import { wallTimeInstant } from './wall-time.js'

// The rules of publishing: one job per scheduled item (moved by every reschedule, removed by
// every other move), the guarded hand-over, outcomes, time-outs and missed schedules.

export const PUBLISH_JOB = 'publish-content-item'
export const TIMEOUT_JOB = 'publish-timeout'
export const publishJobKey = (itemId: string) => `publish:${itemId}`
export const timeoutJobKey = (publicationId: string) => `publish-timeout:${publicationId}`

/**
 * How many due items one hand-over transaction takes at most: the job's first (its own item
 * and others of the organization) takes few, so the first hand-overs commit at once and the
 * own item's lock is held briefly; the batches the job then drains take many (throughput).
 * See README "Publishing", Bench.
 */
export const FIRST_BATCH = 20
export const HAND_OVER_BATCH = 200

/** A batch entry: the locked row, the instant it is due at, how late it is found. */
interface Due { item: DueItemRow, due: Date, lateness: number, late: boolean }

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
  content: Pick<ContentActions, 'transition' | 'transitionMany'>
  blackouts: Pick<BlackoutsService, 'covering'>
  jobs: Pick<Jobs, 'add' | 'addMany' | 'remove' | 'removeMany'>
  record: RecordEvent
  recordMany: RecordEvents
  publisher: Publisher
  settings: PublishingSettings
  beforeHandOver: ReadonlyArray<{ one: BeforeHandOver, many?: BeforeHandOverMany }>
  /** At most this many items in the job's first transaction (its own and others); default FIRST_BATCH. */
  firstBatch?: number
  /** At most this many items in each further batch the job drains; default HAND_OVER_BATCH. */
  batchSize?: number
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
  const { repo, queries, content, blackouts, jobs, record, recordMany, publisher, settings } = deps
  const now = deps.now ?? (() => new Date())
  const firstBatch = Math.max(1, deps.firstBatch ?? FIRST_BATCH)
  const batchSize = Math.max(1, deps.batchSize ?? HAND_OVER_BATCH)

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

  const dueOf = (item: DueItemRow, due: Date, at: Date): Due => {
    const lateness = at.getTime() - due.getTime()
    return { item, due, lateness, late: lateness > settings.lateAfterMs }
  }

  const conflictReason = (err: unknown): { reason: string, detail: string } | undefined =>
    err instanceof AppError && err.code === 'HERALD_CONFLICT'
      ? { reason: typeof err.extra?.reason === 'string' ? err.extra.reason : 'refused', detail: err.message }
      : undefined

  /**
   * The set-based hand-over of a batch of due items (their rows locked by the caller, each
   * found scheduled and due; `ownId` is the job's own item). Every item is judged by the same
   * checks, in the same order, as the one-item hand-over always was — missed schedule, brand
   * archived, blackout, no targets, the beforeHandOver hooks (hold), the transition's
   * beforeTransition checks (approval, pause) — but each check is asked once for the whole
   * batch, and the writes are multi-row: ONE guarded UPDATE moves the items that pass
   * (transitionMany), and their publications, targets, events and time-out jobs are written
   * in a few statements; the items that fail move to `failed` together, with their reasons.
   * A refusal that is not a conflict (an error) is thrown for the job's own item, as before;
   * another item so refused is left untouched for its own job. The other items' own jobs are
   * removed in the same transaction (a running one finds its item no longer scheduled).
   */
  async function handOverBatch (ctx: Ctx, batch: readonly Due[], at: Date, ownId: string | null): Promise<Map<string, HandOverResult>> {
    const orgId = ctx.actor.orgId
    const results = new Map<string, HandOverResult>()
    const fails: Array<{ d: Due, reason: string, detail: string }> = []
    const open: Due[] = []
    for (const d of batch) {
      if (d.lateness > settings.missedLimitMs) {
        fails.push({ d, reason: 'missed_schedule', detail: `due at ${d.due.toISOString()}, found ${Math.round(d.lateness / 1000)} s later (the limit is ${Math.round(settings.missedLimitMs / 1000)} s); nothing was posted` })
      } else if (d.item.brandStatus === 'archived') {
        fails.push({ d, reason: 'brand_archived', detail: 'the brand was archived after the item was scheduled' })
      } else open.push(d)
    }
    // The reads of the checks, for the whole batch, in one round trip.
    const [covering, targetRows, attempts] = await Promise.all([
      blackouts.covering(ctx, open.map((d) => ({ brandId: d.item.brandId, at: d.due }))),
      queries.targetsOfItems(orgId, open.map((d) => d.item.id), ctx.db),
      repo.nextAttempts(orgId, batch.map((d) => d.item.id), ctx.db)
    ])
    const targetsOf = new Map<string, DueTargetOfRow[]>()
    for (const t of targetRows) targetsOf.set(t.contentItemId, [...(targetsOf.get(t.contentItemId) ?? []), t])
    let candidates: Due[] = []
    open.forEach((d, i) => {
      const blackout = covering[i]
      if (blackout) fails.push({ d, reason: 'blackout', detail: `a blackout window (${blackout.id}, ${blackout.startsAt} – ${blackout.endsAt}) covers ${d.due.toISOString()}` })
      else if (!targetsOf.get(d.item.id)?.length) fails.push({ d, reason: 'no_targets', detail: 'the item has no targets' })
      else candidates.push(d)
    })

    // beforeHandOver: each handler once for the items no earlier handler held.
    const held: Array<{ d: Due, reason: string }> = []
    for (const handler of deps.beforeHandOver) {
      if (candidates.length === 0) break
      const asked = candidates.map((d) => ({ id: d.item.id, brandId: d.item.brandId, scheduledAt: d.due, late: d.late }))
      let verdicts = new Map<string, { hold: string }>()
      if (handler.many) verdicts = await handler.many(ctx, asked)
      else {
        for (const item of asked) {
          const verdict = await handler.one(ctx, item)
          if (verdict) verdicts.set(item.id, verdict)
        }
      }
      for (const d of candidates) { const v = verdicts.get(d.item.id); if (v) held.push({ d, reason: v.hold }) }
      candidates = candidates.filter((d) => !verdicts.has(d.item.id))
    }

    // The guarded transition of all the others at once: approvals' beforeTransition refuses an
    // item unless an approved review of exactly its content stands; that refusal fails it.
    const untouched = new Set<string>()
    const refusedOrThrow = (id: string, err: unknown) => {
      if (id === ownId) throw err
      untouched.add(id)
    }
    const moved = await content.transitionMany(ctx, candidates.map((d) => ({ id: d.item.id, reason: d.late ? 'due (late)' : 'due' })), 'publishing')
    for (const d of candidates) {
      if (!moved.refused.has(d.item.id)) continue
      const err = moved.refused.get(d.item.id)
      const conflict = conflictReason(err)
      if (conflict) fails.push({ d, ...conflict })
      else refusedOrThrow(d.item.id, err)
    }

    // Failed before hand-over: moved to failed together, a publication (no targets) and
    // content_item.failed each; nothing is posted.
    if (fails.length) {
      const failed = await content.transitionMany(ctx, fails.map((f) => ({ id: f.d.item.id, reason: f.reason })), 'failed')
      for (const [id, err] of failed.refused) refusedOrThrow(id, err)
      const done = fails.filter((f) => !failed.refused.has(f.d.item.id))
      const finishedAt = now()
      const pubs = done.map((f) => ({ id: randomUUID(), brandId: f.d.item.brandId, contentItemId: f.d.item.id, attempt: attempts.get(f.d.item.id)!, status: 'failed' as const, scheduledAt: f.d.due, late: f.d.late, reason: f.reason, detail: f.detail, publisher: publisher.name, finishedAt }))
      await repo.insertMany(orgId, pubs, ctx.db)
      await recordMany(ctx, done.map((f, i) => ({
        type: 'content_item.failed' as const,
        subjectType: 'content_item',
        subjectId: f.d.item.id,
        brandId: f.d.item.brandId,
        data: { publicationId: pubs[i].id, attempt: pubs[i].attempt, reason: f.reason, detail: f.detail, late: f.d.late, scheduledAt: f.d.due.toISOString(), targets: [] }
      })))
      for (const f of done) results.set(f.d.item.id, { outcome: 'failed', reason: f.reason })
    }

    // Held: they stay scheduled; a held publication and content_item.publish_held each.
    if (held.length) {
      const pubs = held.map((h) => ({ id: randomUUID(), brandId: h.d.item.brandId, contentItemId: h.d.item.id, attempt: attempts.get(h.d.item.id)!, status: 'held' as const, scheduledAt: h.d.due, late: h.d.late, reason: h.reason, publisher: publisher.name, finishedAt: at }))
      await repo.insertMany(orgId, pubs, ctx.db)
      await recordMany(ctx, held.map((h, i) => ({
        type: 'content_item.publish_held' as const,
        subjectType: 'content_item',
        subjectId: h.d.item.id,
        brandId: h.d.item.brandId,
        data: { publicationId: pubs[i].id, reason: h.reason, scheduledAt: h.d.due.toISOString(), late: h.d.late }
      })))
      for (const h of held) results.set(h.d.item.id, { outcome: 'held', reason: h.reason })
    }

    // Handed over: publications and their targets (ids chosen here: one round trip), the
    // events, one request per target, the time-out jobs.
    const movedIds = new Set(moved.moved.map((m) => m.id))
    const going = candidates.filter((d) => movedIds.has(d.item.id))
    if (going.length) {
      const deadlineAt = new Date(at.getTime() + settings.timeoutMs)
      const pubValues = going.map((d) => ({ id: randomUUID(), brandId: d.item.brandId, contentItemId: d.item.id, attempt: attempts.get(d.item.id)!, status: 'publishing' as const, scheduledAt: d.due, late: d.late, publisher: publisher.name, deadlineAt }))
      const [pubs, rows] = await Promise.all([
        repo.insertMany(orgId, pubValues, ctx.db),
        repo.insertTargets(orgId, going.flatMap((d, i) => targetsOf.get(d.item.id)!.map((t) => ({ publicationId: pubValues[i].id, targetId: t.id, socialAccountId: t.socialAccountId, position: t.position }))), ctx.db)
      ])
      const pubOf = new Map(pubs.map((p) => [p.id, p]))
      const rowsOf = new Map<string, PublicationTargetRow[]>()
      for (const r of rows) rowsOf.set(r.publicationId, [...(rowsOf.get(r.publicationId) ?? []), r])
      for (const list of rowsOf.values()) list.sort((a, b) => a.position - b.position)
      await recordMany(ctx, going.map((d, i) => ({
        type: 'content_item.publishing' as const,
        subjectType: 'content_item',
        subjectId: d.item.id,
        brandId: d.item.brandId,
        data: { publicationId: pubValues[i].id, attempt: pubValues[i].attempt, late: d.late, scheduledAt: d.due.toISOString(), lateBySeconds: Math.max(0, Math.round(d.lateness / 1000)), publisher: publisher.name, targets: (rowsOf.get(pubValues[i].id) ?? []).map(toTargetDto) }
      })))
      const requests: PublishRequest[] = going.flatMap((d, i) => targetsOf.get(d.item.id)!.map((t): PublishRequest => {
        const { item } = d
        const media = t.media ?? item.media
        const firstComment = t.firstComment ?? item.firstComment
        const posts = composePosts(t.platform as Parameters<typeof composePosts>[0], { kind: item.kind as Parameters<typeof composePosts>[1]['kind'], body: t.body ?? item.body, media, firstComment, hashtags: item.hashtags, link: item.link })
        return {
          contentItemId: item.id,
          brandId: item.brandId,
          publicationId: pubValues[i].id,
          attempt: pubValues[i].attempt,
          targetId: t.id,
          socialAccount: { id: t.socialAccountId, platform: t.platform, handle: t.handle, externalId: t.externalId, displayName: t.displayName },
          kind: item.kind,
          posts,
          media,
          firstComment,
          link: item.link,
          hashtags: item.hashtags,
          scheduledAt: d.due.toISOString(),
          late: d.late
        }
      }))
      let outcomes: PublishOutcome[]
      if (publisher.publishMany) outcomes = await publisher.publishMany(ctx, requests)
      else {
        outcomes = []
        for (const r of requests) outcomes.push(await publisher.publish(ctx, r))
      }
      // A publisher that answered at once (final outcomes): settled per item, as before.
      const final = new Set<string>()
      for (let i = 0; i < requests.length; i++) {
        const outcome = outcomes[i]
        if (outcome.status === 'requested') continue
        const r = requests[i]
        await applyOutcome(ctx, rowsOf.get(r.publicationId)!.find((row) => row.targetId === r.targetId)!, outcome)
        final.add(r.publicationId)
      }
      const timeouts: Array<{ payload: TimeoutJobPayload, opts: { key: string, runAt: Date } }> = []
      for (let i = 0; i < going.length; i++) {
        const pub = pubOf.get(pubValues[i].id)!
        if (final.has(pub.id)) await settle(ctx, { id: going[i].item.id, brandId: going[i].item.brandId }, pub)
        else timeouts.push({ payload: { orgId, publicationId: pub.id }, opts: { key: timeoutJobKey(pub.id), runAt: deadlineAt } })
        results.set(going[i].item.id, { outcome: 'handed_over', publicationId: pub.id, late: going[i].late })
      }
      // One statement for all, riding with the COMMIT.
      await jobs.addMany(TIMEOUT_JOB, timeouts, ctx.db)
    }

    // The other items' own jobs: their work is done (handed over, failed or held).
    await jobs.removeMany(batch.filter((d) => d.item.id !== ownId && results.has(d.item.id)).map((d) => publishJobKey(d.item.id)), ctx.db)
    return results
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
      const itemRow = await queries.itemStatus(ctx.actor.orgId, itemId, ctx.db)
      if (!itemRow || !canSeeBrand(ctx.actor, itemRow.brandId)) throw notFound('Content item')
      return (await forItems(ctx, [itemId])).get(itemId) ?? []
    },

    forItems
  }
}

export type PublishingService = ReturnType<typeof createPublishingService>
