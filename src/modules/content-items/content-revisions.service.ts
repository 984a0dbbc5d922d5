import { together } from '../../lib/together.js'
import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import type { Page } from '../../lib/pagination.js'
import type { ContentCore } from './content-core.js'
import type { ContentRevisionsRepository, RevisionRow } from './content-revisions.repository.js'
import type { RevisionDiffDto, RevisionDto, RevisionListQuery } from './content-revisions.schemas.js'
import { canonical, diffSnapshots } from './content-state.js'
import { PUBLISHABLE_FIELDS } from './content-status.js'

// Reading an item's history: every edit stored a revision (content-core saveRevisions); here
// they are listed, read one by one, and compared field by field.

const toRevisionDto = (r: RevisionRow): RevisionDto => ({
  id: r.id,
  revision: r.revision,
  contentItemId: r.contentItemId,
  actor: { type: r.actorType, id: r.actorId },
  changed: r.changed,
  snapshot: canonical(r.snapshot),
  createdAt: iso(r.createdAt)!
})

/**
 * Whether two revisions' snapshots would publish the same thing (kind, body, media, link,
 * hashtags, first comment, targets); false when either is missing. For a caller that read the
 * snapshots itself, beside its own statements (approvals, GET …/approval).
 */
export function samePublishableSnapshots (a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (a === undefined || b === undefined) return false
  const pick = (s: Record<string, unknown>) => JSON.stringify(PUBLISHABLE_FIELDS.map((f) => canonical(s[f] ?? null)))
  return pick(a) === pick(b)
}

export function createContentRevisionsService (deps: { core: Pick<ContentCore, 'find'>, revisions: ContentRevisionsRepository }) {
  const { core, revisions } = deps

  async function rows (ctx: Ctx, itemId: string, numbers: number[]): Promise<Map<number, RevisionRow>> {
    authorize(ctx.actor, 'content:read')
    const [, found] = await together(core.find(ctx, itemId), revisions.get(ctx.actor.orgId, itemId, numbers, ctx.db))
    return new Map(found.map((r) => [r.revision, r]))
  }

  return {
    /**
     * For other modules (approvals): whether two revisions of an item would publish the same
     * thing (its title, labels, time… may differ). False when either revision is missing.
     */
    async samePublishable (ctx: Ctx, itemId: string, a: number, b: number): Promise<boolean> {
      if (a === b) return true
      const found = new Map((await revisions.get(ctx.actor.orgId, itemId, [a, b], ctx.db)).map((r) => [r.revision, r.snapshot]))
      return samePublishableSnapshots(found.get(a), found.get(b))
    },

    async list (ctx: Ctx, itemId: string, q: RevisionListQuery): Promise<Page<RevisionDto>> {
      authorize(ctx.actor, 'content:read')
      const [, page] = await together(core.find(ctx, itemId), revisions.list(ctx.actor.orgId, itemId, q, ctx.db))
      return { ...page, data: page.data.map(toRevisionDto) }
    },

    async get (ctx: Ctx, itemId: string, revision: number): Promise<RevisionDto> {
      const row = (await rows(ctx, itemId, [revision])).get(revision)
      if (!row) throw new AppError('HERALD_NOT_FOUND', `Revision ${revision} was not found.`, { errors: [{ path: 'revision', message: 'no such revision' }] })
      return toRevisionDto(row)
    },

    /** A revision by its own id (node(id:)), with the same checks as its item's revisions. */
    async getById (ctx: Ctx, id: string): Promise<RevisionDto> {
      authorize(ctx.actor, 'content:read')
      const found = await revisions.findById(ctx.actor.orgId, id, ctx.db)
      if (!found) throw new AppError('HERALD_NOT_FOUND', 'Revision was not found.', { errors: [{ path: 'id', message: 'no such revision' }] })
      const row = (await rows(ctx, found.contentItemId, [found.revision])).get(found.revision)!
      return toRevisionDto(row)
    },

    async compare (ctx: Ctx, itemId: string, from: number, to: number): Promise<RevisionDiffDto> {
      const found = await rows(ctx, itemId, [from, to])
      const missing = ([['from', from], ['to', to]] as const).filter(([, n]) => !found.has(n))
      if (missing.length) {
        throw new AppError('HERALD_NOT_FOUND', `Revision ${missing.map(([, n]) => n).join(' and ')} was not found.`, { errors: missing.map(([path, n]) => ({ path, message: `revision ${n} does not exist` })) })
      }
      return { from, to, changes: diffSnapshots(found.get(from)!.snapshot, found.get(to)!.snapshot) }
    },

    /** ContentItem.revisions for a page of (already visible) items, in one statement. */
    async listForItems (ctx: Ctx, itemIds: readonly string[], q: RevisionListQuery): Promise<Map<string, Page<RevisionDto>>> {
      authorize(ctx.actor, 'content:read')
      const pages = await revisions.perItem(ctx.actor.orgId, itemIds, q, ctx.db)
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map(toRevisionDto) }]))
    }
  }
}
export type ContentRevisionsService = ReturnType<typeof createContentRevisionsService>
