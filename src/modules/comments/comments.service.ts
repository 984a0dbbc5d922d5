import { together } from '../../lib/together.js'
import { canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { Page } from '../../lib/pagination.js'
import type { RecordEvent } from '../events/public.js'
import type { MembersService } from '../members/public.js'
import { assertMayRead, assertMayWrite, isAuthor, mayModerate } from './comment-access.js'
import { labelFor, seesInternal } from '../../lib/visibility.js'
import type { Actor } from '../../lib/actor.js'
import type { CommentRow, CommentsRepository } from './comments.repository.js'
import type { CommentsQueries, ItemRef } from './comments.queries.js'
import type { CommentDto, CommentListQuery, CommentVisibility, CreateCommentInput, GuestCommentInput, UpdateCommentInput } from './comments.schemas.js'

const toCommentDto = (r: CommentRow): CommentDto => ({
  id: r.id,
  contentItemId: r.contentItemId,
  body: r.body,
  visibility: r.visibility,
  mentions: r.mentions,
  author: { type: r.authorType, id: r.authorId, label: r.authorLabel },
  revision: r.revision,
  editedAt: iso(r.editedAt),
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

/** The comment as this reader may see it (see labelFor). */
export const commentFor = (reader: Actor, c: CommentDto): CommentDto => ({ ...c, author: { ...c.author, label: labelFor(reader, c.author) } })

export interface CommentsDeps {
  repo: CommentsRepository
  queries: CommentsQueries
  members: Pick<MembersService, 'assertFit'>
  record: RecordEvent
}

export function createCommentsService (deps: CommentsDeps) {
  const { repo, queries, members, record } = deps

  /** An item the caller may see, or 404. */
  async function item (ctx: Ctx, id: string): Promise<ItemRef> {
    const row = await queries.findItem(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Content item')
    return row
  }

  /**
   * A comment the caller may see, or 404: of a granted brand, of the item named in the path
   * when there is one, and not internal for a reader who may not see internal comments.
   */
  async function visible (ctx: Ctx, id: string, itemId?: string): Promise<CommentRow & { brandId: string }> {
    const row = await queries.findById(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId) || (itemId !== undefined && row.contentItemId !== itemId) ||
      (row.visibility === 'internal' && !seesInternal(ctx.actor))) throw notFound('Comment')
    return row
  }

  /**
   * Mentioned members must be members of this organization (else 404, as any foreign id), have
   * joined, and be able to read the comment: see the brand, and for an internal comment not be
   * a client (else 422: they would be notified of something they cannot open).
   */
  async function checkMentions (ctx: Ctx, brandId: string, ids: readonly string[], visibility: CommentVisibility): Promise<void> {
    await members.assertFit(ctx, brandId, ids.map((id, i) => ({ id, path: `mentions/${i}` })),
      (m) => (visibility === 'internal' && m.role === 'client' ? 'a client cannot read internal comments' : null))
  }

  async function insert (ctx: Ctx, target: ItemRef, input: { body: string, visibility: CommentVisibility, mentions: string[] }): Promise<CommentDto> {
    const row = await repo.insert(ctx.actor.orgId, {
      contentItemId: target.id,
      body: input.body,
      visibility: input.visibility,
      mentions: input.mentions,
      authorType: ctx.actor.kind,
      // A comment always has a person (or a guest link) behind it: the system never comments.
      authorId: ctx.actor.id,
      authorLabel: ctx.actor.label,
      revision: target.revision
    }, ctx.db)
    const comment = toCommentDto(row)
    await record(ctx, { type: 'comment.created', subjectType: 'comment', subjectId: row.id, brandId: target.brandId, data: { contentItemId: target.id, comment } })
    return comment
  }

  return {
    async list (ctx: Ctx, itemId: string, q: CommentListQuery): Promise<Page<CommentDto>> {
      assertMayRead(ctx.actor)
      const [, page] = await together(item(ctx, itemId), repo.list(ctx.actor.orgId, itemId, q, seesInternal(ctx.actor), ctx.db))
      return { ...page, data: page.data.map((r) => commentFor(ctx.actor, toCommentDto(r))) }
    },

    /** ContentItem.comments for a page of (already visible) items, in one statement. */
    async listForItems (ctx: Ctx, itemIds: readonly string[], q: CommentListQuery): Promise<Map<string, Page<CommentDto>>> {
      assertMayRead(ctx.actor)
      const pages = await repo.perItem(ctx.actor.orgId, itemIds, q, seesInternal(ctx.actor), ctx.db)
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map((r) => commentFor(ctx.actor, toCommentDto(r))) }]))
    },

    /** itemId: the item of the path (REST); omitted for GraphQL, which names the comment only. */
    async get (ctx: Ctx, id: string, itemId?: string): Promise<CommentDto> {
      assertMayRead(ctx.actor)
      const [, comment] = await together(itemId !== undefined ? item(ctx, itemId) : Promise.resolve(undefined), visible(ctx, id, itemId))
      return commentFor(ctx.actor, toCommentDto(comment))
    },

    async create (ctx: Ctx, itemId: string, input: CreateCommentInput): Promise<CommentDto> {
      assertMayWrite(ctx.actor, input.visibility)
      const target = await item(ctx, itemId)
      const mentions = input.mentions ?? []
      await checkMentions(ctx, target.brandId, mentions, input.visibility)
      return await insert(ctx, target, { body: input.body, visibility: input.visibility, mentions })
    },

    /** A guest reviewer's comment on the item of their link: always shared, no mentions. */
    async createAsGuest (ctx: Ctx, input: GuestCommentInput): Promise<CommentDto> {
      const grant = ctx.actor.guest
      if (!grant) throw new AppError('HERALD_FORBIDDEN', 'Only a guest review link may comment here.')
      assertMayWrite(ctx.actor, 'shared')
      return await insert(ctx, await item(ctx, grant.contentItemId), { body: input.body, visibility: 'shared', mentions: [] })
    },

    /** The newest shared comments of the guest's item (for the review page), oldest first. */
    async sharedForGuest (ctx: Ctx, limit: number): Promise<{ comments: CommentDto[], more: boolean }> {
      const grant = ctx.actor.guest
      if (!grant) throw new AppError('HERALD_FORBIDDEN', 'Only a guest review link may read this.')
      const page = await repo.list(ctx.actor.orgId, grant.contentItemId, { limit, sort: '-createdAt' }, false, ctx.db)
      return { comments: page.data.map((r) => commentFor(ctx.actor, toCommentDto(r))).reverse(), more: page.nextCursor !== null }
    },

    async update (ctx: Ctx, id: string, patch: UpdateCommentInput, expected?: number | '*', itemId?: string): Promise<CommentDto> {
      // The policy first: a credential that may write no comment learns nothing about this one.
      assertMayWrite(ctx.actor, patch.visibility ?? 'shared')
      if (itemId !== undefined) await item(ctx, itemId)
      const current = await visible(ctx, id, itemId)
      const visibility = patch.visibility ?? current.visibility
      assertMayWrite(ctx.actor, visibility)
      if (!isAuthor(ctx.actor, current)) throw new AppError('HERALD_FORBIDDEN', 'Only the author of a comment may edit it.')
      checkVersion(expected, current.version)
      const changed = (['body', 'visibility', 'mentions'] as const).filter((k) => patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(current[k]))
      if (changed.length === 0) return commentFor(ctx.actor, toCommentDto(current))
      const mentions = patch.mentions ?? current.mentions
      // Mentions are checked again when the visibility changes: a client mentioned in a shared
      // comment cannot stay mentioned once it becomes internal.
      if (changed.includes('mentions') || changed.includes('visibility')) await checkMentions(ctx, current.brandId, mentions, visibility)
      const row = await repo.update(ctx.actor.orgId, id, current.version, { body: patch.body, visibility: patch.visibility, mentions: patch.mentions }, ctx.db)
      if (!row) throw preconditionFailed(current.version + 1)
      const comment = toCommentDto(row)
      await record(ctx, { type: 'comment.updated', subjectType: 'comment', subjectId: id, brandId: current.brandId, data: { contentItemId: row.contentItemId, changed, comment } })
      return commentFor(ctx.actor, comment)
    },

    async remove (ctx: Ctx, id: string, expected?: number | '*', itemId?: string): Promise<void> {
      assertMayRead(ctx.actor)
      if (itemId !== undefined) await item(ctx, itemId)
      const current = await visible(ctx, id, itemId)
      if (!isAuthor(ctx.actor, current) && !mayModerate(ctx.actor)) {
        throw new AppError('HERALD_FORBIDDEN', 'Only the author of a comment, or an owner, admin or manager, may delete it.')
      }
      checkVersion(expected, current.version)
      if (!await repo.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      await record(ctx, { type: 'comment.deleted', subjectType: 'comment', subjectId: id, brandId: current.brandId, data: { contentItemId: current.contentItemId, comment: toCommentDto(current) } })
    }
  }
}
export type CommentsService = ReturnType<typeof createCommentsService>
