import { actorRef, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { preconditionFailed } from '../../lib/etag.js'
import type { EventType, RecordEvent, RecordEvents } from '../events/public.js'
import { CheckHook, Hook } from '../../lib/hooks.js'
import type { ContentStatus } from '../../db/tables/content-items.js'
import type { ContentItemRow, ContentItemsRepository, TargetRow } from './content-items.repository.js'
import type { ContentRevisionsRepository } from './content-revisions.repository.js'
import type { ContentItemDto } from './content-items.schemas.js'
import { snapshotOf, toContentItemDto, type ItemState } from './content-state.js'
import { assertTransition } from './content-status.js'

// What every content operation shares: finding a visible item, turning rows into replies,
// writing revisions and events, moving the status, and the hooks other modules plug in.

export interface TransitionInfo { from: ContentStatus, to: ContentStatus, reason: string }

/**
 * Extension points other modules register on (approvals, the publisher…). Handlers run inside
 * the caller's transaction, after the change is written (before* ones before it); a handler
 * that throws rolls the whole change back, so `beforeTransition` vetoes a status move.
 */
export interface ContentHooks {
  /** The item was submitted for review (moved to in_review). */
  afterSubmit: Hook<[ctx: Ctx, item: ContentItemDto, info: { from: ContentStatus, revision: number, dueAt: string | null }]>
  /** What would be published changed (kind, body, media, link, hashtags, firstComment, targets). */
  afterPublishableChange: Hook<[ctx: Ctx, item: ContentItemDto, info: { changed: string[], from: ContentStatus, to: ContentStatus, revision: number }]>
  /**
   * A status move is about to happen (actions and transition(); not edits): throw to refuse it.
   * Its handlers only read: they run at once (Hook.runChecks), the first refusal in the order
   * registered wins. A handler may also register a set-based form (`register(one, many)`),
   * used by transitionMany (the publisher's batches); without one it is asked per item.
   */
  beforeTransition: CheckHook<Ctx, ContentItemDto, TransitionInfo>
  /** The status moved (every move, edits that return to draft included). */
  afterTransition: Hook<[ctx: Ctx, item: ContentItemDto, info: TransitionInfo]>
  /** A scheduled item's time was edited and it stays scheduled (publishing moves its job). */
  afterReschedule: Hook<[ctx: Ctx, item: ContentItemDto]>
}

export interface CoreDeps {
  items: ContentItemsRepository
  revisions: ContentRevisionsRepository
  record: RecordEvent
  /** Many events in one statement (set-based moves); without it, one `record` after another. */
  recordMany?: RecordEvents
}

/** What transitionMany did: the items moved (in the order asked), and why the others were not. */
export interface ManyMoved {
  moved: ContentItemDto[]
  /** By item id: the refusal (the error `transition` would have thrown for it). */
  refused: Map<string, unknown>
}

export function createContentCore (deps: CoreDeps) {
  const { items, revisions, record } = deps
  const recordMany: RecordEvents = deps.recordMany ?? (async (ctx, list) => { for (const e of list) await record(ctx, e) })
  const hooks: ContentHooks = { afterSubmit: new Hook(), afterPublishableChange: new Hook(), beforeTransition: new CheckHook(), afterTransition: new Hook(), afterReschedule: new Hook() }

  /** An item of a brand the caller may see, or 404; `lock` for writers (SELECT … FOR UPDATE). */
  async function find (ctx: Ctx, id: string, opts: { lock?: true } = {}): Promise<ContentItemRow> {
    const row = await items.findById(ctx.actor.orgId, id, ctx.db, opts)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Content item')
    return row
  }

  /** Replies for many rows; their targets come in one statement. */
  async function dtos (ctx: Ctx, rows: readonly ContentItemRow[]): Promise<ContentItemDto[]> {
    const targets = await items.targetsFor(ctx.actor.orgId, rows.map((r) => r.id), ctx.db)
    const byItem = new Map<string, TargetRow[]>()
    for (const t of targets) byItem.set(t.contentItemId, [...(byItem.get(t.contentItemId) ?? []), t])
    return rows.map((r) => toContentItemDto(r, byItem.get(r.id) ?? []))
  }

  const dto = async (ctx: Ctx, row: ContentItemRow) => (await dtos(ctx, [row]))[0]

  const event = async (ctx: Ctx, type: EventType, row: ContentItemRow, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'content_item', subjectId: row.id, brandId: row.brandId, data })

  async function saveRevisions (ctx: Ctx, list: Array<{ row: ContentItemRow, state: ItemState, changed: string[] }>): Promise<void> {
    await revisions.insertMany(ctx.actor.orgId, list.map(({ row, state, changed }) => ({
      contentItemId: row.id,
      revision: row.revision,
      actorType: actorRef(ctx.actor).type,
      actorId: actorRef(ctx.actor).id,
      actorLabel: ctx.actor.label,
      changed,
      snapshot: snapshotOf(state)
    })), ctx.db)
  }

  /** Writes a status change (+1 version, never +1 revision) and its events; no hooks. */
  async function writeStatus (ctx: Ctx, row: ContentItemRow, to: ContentStatus, reason: string, extra: Record<string, unknown> = {}): Promise<ContentItemRow> {
    const updated = await items.update(ctx.actor.orgId, row.id, row.version, { status: to, ...(to === 'archived' ? { archivedFrom: row.status } : {}), ...extra }, ctx.db)
    if (!updated) throw preconditionFailed(row.version + 1)
    await event(ctx, 'content_item.status_changed', updated, { from: row.status, to, reason, revision: updated.revision })
    return updated
  }

  /**
   * A requested status move (an action, or another module through transition()): checked
   * against the machine, offered to the beforeTransition hooks, written, then announced.
   */
  async function move (ctx: Ctx, row: ContentItemRow, to: ContentStatus, reason: string, what?: string, extra: Record<string, unknown> = {}, loadedTargets?: Promise<TargetRow[]>): Promise<{ row: ContentItemRow, item: ContentItemDto }> {
    assertTransition(row.status, to, what)
    const info: TransitionInfo = { from: row.status, to, reason }
    // A status write leaves the targets as they are: read once, for the hooks and the reply.
    const targets = await (loadedTargets ?? items.targetsFor(ctx.actor.orgId, [row.id], ctx.db))
    if (!hooks.beforeTransition.isEmpty) await hooks.beforeTransition.runChecks(ctx, toContentItemDto(row, targets), info)
    const updated = await writeStatus(ctx, row, to, reason, extra)
    if (to === 'draft' && row.status !== 'archived') await event(ctx, 'content_item.returned_to_draft', updated, { from: row.status, reason })
    const item = toContentItemDto(updated, targets)
    await hooks.afterTransition.run(ctx, item, info)
    return { row: updated, item }
  }

  /**
   * Many status moves at once (to one status, each with its reason), for set-based work that
   * already holds the items' row locks: the rows and targets in two statements, the
   * beforeTransition checks in their set-based form, ONE guarded UPDATE (`WHERE status` is still
   * what was read) and the status_changed events in one statement, then afterTransition per
   * item. An item the machine or a check refuses is left as it is, with its refusal.
   */
  async function moveMany (ctx: Ctx, moves: ReadonlyArray<{ id: string, reason: string }>, to: ContentStatus): Promise<ManyMoved> {
    // Archiving records where from (archivedFrom): one at a time, through move.
    if (to === 'archived') throw new Error('moveMany does not archive')
    const refused = new Map<string, unknown>()
    if (moves.length === 0) return { moved: [], refused }
    const ids = moves.map((m) => m.id)
    const [rows, targets] = await Promise.all([items.findManyLocked(ctx.actor.orgId, ids, ctx.db), items.targetsFor(ctx.actor.orgId, ids, ctx.db)])
    const byId = new Map(rows.filter((r) => canSeeBrand(ctx.actor, r.brandId)).map((r) => [r.id, r]))
    const targetsOf = new Map<string, TargetRow[]>()
    for (const t of targets) targetsOf.set(t.contentItemId, [...(targetsOf.get(t.contentItemId) ?? []), t])
    const candidates: Array<{ row: ContentItemRow, subject: ContentItemDto, info: TransitionInfo }> = []
    for (const m of moves) {
      const row = byId.get(m.id)
      if (!row) { refused.set(m.id, notFound('Content item')); continue }
      try {
        assertTransition(row.status, to)
      } catch (err) { refused.set(m.id, err); continue }
      candidates.push({ row, subject: toContentItemDto(row, targetsOf.get(row.id) ?? []), info: { from: row.status, to, reason: m.reason } })
    }
    const checks = hooks.beforeTransition.isEmpty ? new Map<string, unknown>() : await hooks.beforeTransition.runChecksMany(ctx, candidates)
    for (const [id, err] of checks) refused.set(id, err)
    const going = candidates.filter((c) => !checks.has(c.row.id))
    const updated = await items.moveStatus(ctx.actor.orgId, going.map((c) => ({ id: c.row.id, from: c.row.status })), to, ctx.db)
    const after = new Map(updated.map((r) => [r.id, r]))
    const moved: ContentItemDto[] = []
    const events: Parameters<RecordEvents>[1][number][] = []
    for (const c of going) {
      const row = after.get(c.row.id)
      // Its status changed under a lock the caller holds: cannot happen; refused, not moved.
      if (!row) { refused.set(c.row.id, preconditionFailed(c.row.version + 1)); continue }
      events.push({ type: 'content_item.status_changed', subjectType: 'content_item', subjectId: row.id, brandId: row.brandId, data: { from: c.row.status, to, reason: c.info.reason, revision: row.revision } })
      if (to === 'draft' && c.row.status !== 'archived') events.push({ type: 'content_item.returned_to_draft', subjectType: 'content_item', subjectId: row.id, brandId: row.brandId, data: { from: c.row.status, reason: c.info.reason } })
      moved.push(toContentItemDto(row, targetsOf.get(row.id) ?? []))
    }
    await recordMany(ctx, events)
    if (!hooks.afterTransition.isEmpty) {
      const infoOf = new Map(going.map((g) => [g.row.id, g.info]))
      for (const item of moved) await hooks.afterTransition.run(ctx, item, infoOf.get(item.id)!)
    }
    return { moved, refused }
  }

  return { hooks, find, dtos, dto, event, saveRevisions, writeStatus, move, moveMany }
}
export type ContentCore = ReturnType<typeof createContentCore>
