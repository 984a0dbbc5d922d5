import { randomUUID } from 'node:crypto'
import { authorize, can, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import type { Page } from '../../lib/pagination.js'
import { iso } from '../../lib/http.js'
import type { ContentItemRow, ContentItemsRepository, LightColumn, LightContentItemRow, TargetRow, TargetValues } from './content-items.repository.js'
import type { ContentItemDto, ContentItemListQuery, CreateContentItemInput, NestedContentQuery, TargetDto, UpdateContentItemInput } from './content-items.schemas.js'
import type { ContentCore } from './content-core.js'
import { columnsOf, fieldsSet, stateOf, toContentItemDto, toTargetDto, type ItemState } from './content-state.js'
import { assertDeletable, assertEditable, isPublishableChange, statusAfterEdit } from './content-status.js'
import { issuesError, type ContentValidator } from './content-validation.js'

// Content items: create (one or a bulk), read, list, edit, delete. Status actions live in
// content-actions.ts, revisions in content-revisions.service.ts, the calendar in
// content-calendar.ts; all of them share content-core.ts.

/** A GraphQL node: targets are left to the batched ContentItem.targets loader. */
export type ContentItemNode = Omit<ContentItemDto, 'targets'> & { targets?: TargetDto[] }

// The reply object itself, not a copy of it spread into another (200 items a nested page).
const node = (row: ContentItemRow): ContentItemNode => {
  const dto: ContentItemNode = toContentItemDto(row, [])
  dto.targets = undefined
  return dto
}
/**
 * A node from a light row (some of LIGHT_COLUMNS), for a nested page whose query selects only
 * LIGHT_FIELDS: the fields it does not read are not there (a timestamp not read is null), and
 * nothing else reads this object. Its timestamps are written out when read: the sort's
 * column is always in the row (for the cursors), and 200 items asked for their titles wrote
 * 200 ISO strings nobody read.
 */
class LightItemNode {
  readonly id: string
  readonly brandId: string
  readonly campaignId: string | null
  readonly title: string
  readonly kind: ContentItemNode['kind']
  readonly status: ContentItemNode['status']
  readonly revision: number
  readonly version: number
  readonly targets = undefined
  constructor (private readonly row: LightContentItemRow) {
    this.id = row.id
    this.brandId = row.brandId
    this.campaignId = row.campaignId
    this.title = row.title
    this.kind = row.kind
    this.status = row.status
    this.revision = row.revision
    this.version = row.version
  }

  get scheduledAt (): string | null { return iso(this.row.scheduledAt) }
  get createdAt (): string { return iso(this.row.createdAt)! }
  get updatedAt (): string { return iso(this.row.updatedAt)! }
}
const lightNode = (row: LightContentItemRow): ContentItemNode => new LightItemNode(row) as unknown as ContentItemNode
const targetValues = (s: ItemState): TargetValues[] =>
  s.targets.map((t) => ({ socialAccountId: t.socialAccountId, body: t.body, media: t.media, firstComment: t.firstComment }))

export function createContentItemsService (deps: { core: ContentCore, items: ContentItemsRepository, validator: ContentValidator }) {
  const { core, items, validator } = deps

  /** All-or-nothing: every item is checked before any is written; one problem stops them all. */
  async function createMany (ctx: Ctx, inputs: readonly CreateContentItemInput[], prefix: (i: number) => string): Promise<ContentItemDto[]> {
    const { states, issues } = await validator.prepareNew(ctx, inputs, prefix)
    if (issues.length) throw issuesError(issues, { batch: inputs.length > 1 || prefix(0) !== '' })
    const ready = states as ItemState[]
    // Ids are chosen here so targets and revisions can be matched to rows without relying on
    // the order RETURNING gives.
    const ids = inputs.map(() => randomUUID())
    const rows = await items.insertMany(ctx.actor.orgId, inputs.map((input, i) => ({
      id: ids[i], brandId: input.brandId, ...columnsOf(ready[i]), createdByType: ctx.actor.kind, createdById: ctx.actor.id
    })), ctx.db)
    const byId = new Map(rows.map((r) => [r.id, r]))
    const ordered = ids.map((id) => byId.get(id)!)
    // Targets, revisions and events are deferred: they travel with COMMIT. The replies are
    // built from what was written (target ids chosen here, platforms known from validation).
    const targets = ordered.map((r, i) => targetValues(ready[i]).map((t) => ({ ...t, id: randomUUID() })))
    await items.insertTargets(ctx.actor.orgId, ordered.map((r, i) => ({ itemId: r.id, targets: targets[i] })), ctx.db)
    await core.saveRevisions(ctx, ordered.map((row, i) => ({ row, state: ready[i], changed: fieldsSet(ready[i]) })))
    const created = ordered.map((row, i) => toContentItemDto(row, targets[i].map((t, position) => ({
      ...t, position, contentItemId: row.id, platform: ready[i].targets[position].platform!
    }))))
    for (const [i, item] of created.entries()) await core.event(ctx, 'content_item.created', ordered[i], { contentItem: item })
    return created
  }

  return {
    hooks: core.hooks,

    async create (ctx: Ctx, input: CreateContentItemInput): Promise<ContentItemDto> {
      authorize(ctx.actor, 'content:write')
      return (await createMany(ctx, [input], () => ''))[0]
    },

    /** 1–100 items in the request's transaction; problems are named `items/<i>/<field>`. */
    async bulkCreate (ctx: Ctx, inputs: readonly CreateContentItemInput[]): Promise<ContentItemDto[]> {
      authorize(ctx.actor, 'content:write')
      return await createMany(ctx, inputs, (i) => `items/${i}/`)
    },

    async get (ctx: Ctx, id: string): Promise<ContentItemDto> {
      authorize(ctx.actor, 'content:read')
      const row = await items.findWithTargets(ctx.actor.orgId, id, ctx.db)
      if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Content item')
      return toContentItemDto(row, row.targets)
    },

    /**
     * For other modules' GraphQL edges (ApprovalRequest.contentItem): items by id as nodes,
     * null where the caller may not read content or see the brand.
     */
    async nodesById (ctx: Ctx, ids: readonly string[]): Promise<Array<ContentItemNode | null>> {
      if (!can(ctx.actor, 'content:read')) return ids.map(() => null)
      const rows = await items.findByIds(ctx.actor.orgId, ids, ctx.db)
      const byId = new Map(rows.filter((r) => canSeeBrand(ctx.actor, r.brandId)).map((r) => [r.id, node(r)]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    /** GraphQL's contentItem(id): the same checks, targets left to the loader. */
    async getNode (ctx: Ctx, id: string): Promise<ContentItemNode> {
      authorize(ctx.actor, 'content:read')
      return node(await core.find(ctx, id))
    },

    async list (ctx: Ctx, q: ContentItemListQuery): Promise<Page<ContentItemDto>> {
      authorize(ctx.actor, 'content:read')
      const page = await items.listWithTargets(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map((r) => toContentItemDto(r, r.targets)) }
    },

    /** The GraphQL page; when the query asks (withTotal), also how many items match (in the same statement). */
    async listNodes (ctx: Ctx, q: ContentItemListQuery): Promise<Page<ContentItemNode> & { totalCount?: number }> {
      authorize(ctx.actor, 'content:read')
      const page = await items.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(node) }
    },

    /**
     * Brand.contentItems for a page of brands: one statement, a page per brand. `light`: the
     * query reads only LIGHT_FIELDS of the items, and these columns of them (content-items.resolvers.ts).
     */
    async listForBrands (ctx: Ctx, brandIds: readonly string[], q: NestedContentQuery, light?: readonly LightColumn[]): Promise<Map<string, Page<ContentItemNode>>> {
      return await perParent(ctx, 'brand', brandIds, q, light)
    },

    /** Campaign.contentItems for a page of campaigns: one statement, a page per campaign. */
    async listForCampaigns (ctx: Ctx, campaignIds: readonly string[], q: NestedContentQuery, light?: readonly LightColumn[]): Promise<Map<string, Page<ContentItemNode>>> {
      return await perParent(ctx, 'campaign', campaignIds, q, light)
    },

    /** ContentItem.targets for many items in one statement. */
    async targetsOf (ctx: Ctx, itemIds: readonly string[]): Promise<Map<string, TargetDto[]>> {
      authorize(ctx.actor, 'content:read')
      const out = new Map<string, TargetDto[]>(itemIds.map((id) => [id, []]))
      for (const t of await items.targetsFor(ctx.actor.orgId, itemIds, ctx.db)) out.get(t.contentItemId)?.push(toTargetDto(t))
      return out
    },

    async update (ctx: Ctx, id: string, patch: UpdateContentItemInput, expected?: number | '*'): Promise<ContentItemDto> {
      authorize(ctx.actor, 'content:write')
      const row = await core.find(ctx, id, { lock: true })
      checkVersion(expected, row.version)
      const targets: TargetRow[] = await items.targetsFor(ctx.actor.orgId, [id], ctx.db)
      if (Object.values(patch).some((v) => v !== undefined)) assertEditable(row.status)
      const { next, changed, issues } = await validator.prepareEdit(ctx, row.brandId, stateOf(row, targets), patch)
      if (issues.length) throw issuesError(issues)
      if (changed.length === 0) return toContentItemDto(row, targets)
      const to = statusAfterEdit(row.status, changed)
      if (row.status === 'scheduled' && !to) {
        if (!next.schedule) {
          throw new AppError('HERALD_CONFLICT', 'A scheduled item keeps its time; unschedule it first (POST /v1/content-items/{id}/unschedule).', { errors: [{ path: 'scheduledAt', message: 'cannot clear the time of a scheduled item' }], extra: { currentStatus: row.status } })
        }
        if (changed.includes('scheduledAt') && next.schedule.scheduledAt.getTime() <= Date.now()) {
          throw new AppError('HERALD_UNPROCESSABLE', 'A scheduled item needs a time in the future.', { errors: [{ path: 'scheduledAt', message: 'is in the past' }] })
        }
      }
      const updated = await items.update(ctx.actor.orgId, id, row.version, { ...columnsOf(next), revision: row.revision + 1, ...(to ? { status: to } : {}) }, ctx.db)
      if (!updated) throw preconditionFailed(row.version + 1)
      if (changed.includes('targets')) await items.replaceTargets(ctx.actor.orgId, id, targetValues(next), ctx.db)
      await core.saveRevisions(ctx, [{ row: updated, state: next, changed }])
      const item = await core.dto(ctx, updated)
      await core.event(ctx, 'content_item.updated', updated, { changed, revision: updated.revision, contentItem: item })
      if (to) {
        await core.event(ctx, 'content_item.returned_to_draft', updated, { from: row.status, reason: 'edited', changed })
        await core.event(ctx, 'content_item.status_changed', updated, { from: row.status, to, reason: 'edited', revision: updated.revision })
      }
      if (isPublishableChange(changed)) {
        await core.hooks.afterPublishableChange.run(ctx, item, { changed, from: row.status, to: updated.status, revision: updated.revision })
      }
      if (to) await core.hooks.afterTransition.run(ctx, item, { from: row.status, to, reason: 'edited' })
      else if (updated.status === 'scheduled' && changed.some((f) => f === 'scheduledAt' || f === 'scheduledLocal' || f === 'timeZone' || f === 'scheduleBasis')) {
        await core.hooks.afterReschedule.run(ctx, item)
      }
      return item
    },

    /**
     * For the brands module, before a brand is deleted: a brand whose content went beyond
     * drafts keeps its history (409, archive the brand instead); its drafts go now, each with
     * its content_item.deleted event.
     */
    async releaseBrand (ctx: Ctx, brand: { id: string, name: string }): Promise<void> {
      const { drafts, others } = await items.ofBrandForDeletion(ctx.actor.orgId, brand.id, ctx.db)
      if (others > 0) {
        throw new AppError('HERALD_IN_USE', `The brand "${brand.name}" has ${others} content item${others === 1 ? '' : 's'} beyond drafts (in review, scheduled, published…): its history is kept. Archive the brand instead (PATCH /v1/brands/{id} {"status": "archived"}).`, { extra: { reason: 'brand_has_history' } })
      }
      for (const item of await core.dtos(ctx, drafts)) {
        const row = drafts.find((r) => r.id === item.id)!
        if (!await items.delete(ctx.actor.orgId, row.id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
        await core.event(ctx, 'content_item.deleted', row, { contentItem: item, reason: 'brand_deleted' })
      }
    },

    /** Only drafts; anything else is archived instead, so its history stays. */
    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'content:write')
      const row = await core.find(ctx, id, { lock: true })
      checkVersion(expected, row.version)
      assertDeletable(row.status)
      const item = await core.dto(ctx, row)
      if (!await items.delete(ctx.actor.orgId, id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
      await core.event(ctx, 'content_item.deleted', row, { contentItem: item })
    }
  }

  async function perParent (ctx: Ctx, parent: 'brand' | 'campaign', ids: readonly string[], q: NestedContentQuery, light: readonly LightColumn[] | undefined) {
    authorize(ctx.actor, 'content:read')
    const pages = await items.perParent(ctx.actor.orgId, parent, ids, q, ctx.actor.brandIds, ctx.db, light)
    const toNode = light ? lightNode : (row: LightContentItemRow) => node(row as ContentItemRow)
    // The page itself with its nodes, not a spread copy: the copy would read (and sign) its next cursor.
    return new Map([...pages].map(([id, page]) => [id, Object.assign(page, { data: page.data.map(toNode) }) as unknown as Page<ContentItemNode>]))
  }
}
export type ContentItemsService = ReturnType<typeof createContentItemsService>
