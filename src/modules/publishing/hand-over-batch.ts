import { randomUUID } from 'node:crypto'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { composePosts } from '../platforms/public.js'
import type { PublicationRow, PublicationTargetRow } from './publishing.repository.js'
import type { DueItemRow, DueTargetOfRow } from './publishing.queries.js'
import type { PublishOutcome, PublishRequest } from './publisher.js'
import { publishJobKey, TIMEOUT_JOB, timeoutJobKey, toTargetDto, type Due, type HandOverResult, type PublishingDeps, type TimeoutJobPayload } from './publishing.model.js'

/** What the batch hand-over borrows from the service: its clock and how an outcome settles. */
export interface HandOverSteps {
  now: () => Date
  settle: (ctx: Ctx, item: { id: string, brandId: string }, pub: PublicationRow) => Promise<PublicationRow>
  applyOutcome: (ctx: Ctx, target: PublicationTargetRow, outcome: Exclude<PublishOutcome, { status: 'requested' }>) => Promise<PublicationTargetRow>
}

/** The set-based hand-over (see handOverBatch), apart from the service that claims the batches. */
export function createHandOverBatch (deps: PublishingDeps, steps: HandOverSteps) {
  const { repo, queries, content, blackouts, jobs, recordMany, publisher, settings } = deps
  const { now, settle, applyOutcome } = steps

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

  return { dueOf, handOverBatch }
}
