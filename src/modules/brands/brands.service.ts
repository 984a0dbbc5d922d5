import { authorize, canSeeBrand, isBrandLimited } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { Hook } from '../../lib/hooks.js'
import { iso } from '../../lib/http.js'
import type { RecordEvent } from '../events/public.js'
import type { BrandRow, BrandsRepository } from './brands.repository.js'
import type { BrandDto, BrandListQuery, CreateBrandInput, UpdateBrandInput } from './brands.schemas.js'

const toBrandDto = (r: BrandRow): BrandDto => ({
  id: r.id,
  name: r.name,
  timeZone: r.timeZone,
  status: r.status,
  approvalPolicyId: r.approvalPolicyId,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

function changedFields<T extends Record<string, unknown>> (before: T, patch: Partial<T>): string[] {
  return Object.keys(patch).filter((k) => patch[k] !== undefined && patch[k] !== before[k])
}

/**
 * Extension points for modules that attach things to brands (approval policies, …) without
 * the brands module knowing their rules; handlers run in the caller's transaction.
 */
export interface BrandHooks {
  /** After the brand row is inserted and before brand.created is recorded. */
  afterCreate: Hook<[ctx: Ctx, brand: BrandDto]>
  /** Before a patch is written; a handler refuses it by throwing. */
  beforeUpdate: Hook<[ctx: Ctx, current: BrandDto, patch: UpdateBrandInput]>
  /**
   * Before the brand is deleted: a module refuses (409) while the brand holds what it must
   * keep (published history, anything beyond drafts), or removes what it owns with its own
   * events, so nothing goes silently with the brand.
   */
  beforeDelete: Hook<[ctx: Ctx, brand: BrandDto]>
}

export function createBrandsService (deps: { repo: BrandsRepository, record: RecordEvent }) {
  const { repo, record } = deps
  const hooks: BrandHooks = { afterCreate: new Hook(), beforeUpdate: new Hook(), beforeDelete: new Hook() }

  /** A brand the caller may see, or 404 (another tenant's and an ungranted brand look alike). */
  async function visibleRow (ctx: Ctx, id: string, opts: { lock?: true } = {}): Promise<BrandRow> {
    const row = canSeeBrand(ctx.actor, id) ? await repo.findById(ctx.actor.orgId, id, ctx.db, opts) : undefined
    if (!row) throw notFound('Brand')
    return row
  }

  /**
   * Every id must be a brand of this organization that the caller may see; otherwise one 404
   * naming each unknown id (`brandIds/1`), since another tenant's brand, an ungranted one and
   * one that does not exist look alike. For ids inside a body (member grants, API-key grants,
   * a campaign's brand…); `path` is the body field. Returns the rows in the order given.
   */
  async function assertBrands (ctx: Ctx, ids: readonly string[], path = 'brandIds'): Promise<BrandDto[]> {
    if (ids.length === 0) return []
    const rows = await repo.findByIds(ctx.actor.orgId, [...new Set(ids)].filter((id) => canSeeBrand(ctx.actor, id)), ctx.db)
    const byId = new Map(rows.map((r) => [r.id, r]))
    const errors = ids.flatMap((id, i) => (byId.has(id) ? [] : [{ path: `${path}/${i}`, message: 'brand not found' }]))
    if (errors.length) throw new AppError('HERALD_NOT_FOUND', `Unknown brand in ${path}: ${errors.map((e) => e.path).join(', ')}.`, { errors })
    return ids.map((id) => toBrandDto(byId.get(id)!))
  }

  /** One brand id in a body (`brandId`): the brand, or a 404 naming the field. */
  async function assertBrand (ctx: Ctx, id: string, path = 'brandId'): Promise<BrandDto> {
    const row = canSeeBrand(ctx.actor, id) ? await repo.findById(ctx.actor.orgId, id, ctx.db) : undefined
    if (!row) throw new AppError('HERALD_NOT_FOUND', `Unknown brand in ${path}.`, { errors: [{ path, message: 'brand not found' }] })
    return toBrandDto(row)
  }

  return {
    /** For other modules: a brand the caller may see (by an id in a path), or 404. */
    visible: async (ctx: Ctx, id: string): Promise<BrandDto> => toBrandDto(await visibleRow(ctx, id)),
    assertBrands,
    assertBrand,
    hooks,

    /**
     * For the approvals module, in the transaction that creates the brand (its afterCreate
     * hook): names the brand's default policy without a new version, since nobody has seen
     * version 1 without it.
     */
    async adoptDefaultPolicy (ctx: Ctx, brandId: string, policyId: string): Promise<void> {
      await repo.setApprovalPolicy(ctx.actor.orgId, brandId, policyId, ctx.db)
    },

    async list (ctx: Ctx, q: BrandListQuery) {
      authorize(ctx.actor, 'brands:read')
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toBrandDto) }
    },

    async get (ctx: Ctx, id: string): Promise<BrandDto> {
      authorize(ctx.actor, 'brands:read')
      return toBrandDto(await visibleRow(ctx, id))
    },

    /** Batched read for GraphQL edges; ungranted brands come back as null. */
    async getMany (ctx: Ctx, ids: readonly string[]): Promise<Array<BrandDto | null>> {
      authorize(ctx.actor, 'brands:read')
      const rows = await repo.findByIds(ctx.actor.orgId, ids.filter((id) => canSeeBrand(ctx.actor, id)), ctx.db)
      const byId = new Map(rows.map((r) => [r.id, toBrandDto(r)]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    async create (ctx: Ctx, input: CreateBrandInput): Promise<BrandDto> {
      authorize(ctx.actor, 'brands:write')
      if (isBrandLimited(ctx.actor)) {
        throw new AppError('HERALD_FORBIDDEN', 'Credentials limited to some brands cannot create brands.')
      }
      let row = await repo.insert(ctx.actor.orgId, input, ctx.db)
      if (!hooks.afterCreate.isEmpty) {
        await hooks.afterCreate.run(ctx, toBrandDto(row))
        // Hooks may have filled in references (the default approval policy): send what is stored.
        row = (await repo.findById(ctx.actor.orgId, row.id, ctx.db))!
      }
      await record(ctx, { type: 'brand.created', subjectType: 'brand', subjectId: row.id, brandId: row.id, data: { brand: toBrandDto(row) } })
      return toBrandDto(row)
    },

    async update (ctx: Ctx, id: string, patch: UpdateBrandInput, expected?: number | '*'): Promise<BrandDto> {
      authorize(ctx.actor, 'brands:write')
      const current = await visibleRow(ctx, id)
      checkVersion(expected, current.version)
      const changed = changedFields(current, patch)
      if (changed.length === 0) return toBrandDto(current)
      await hooks.beforeUpdate.run(ctx, toBrandDto(current), patch)
      const row = await repo.update(ctx.actor.orgId, id, current.version, patch, ctx.db)
      if (!row) throw preconditionFailed(current.version + 1)
      await record(ctx, { type: 'brand.updated', subjectType: 'brand', subjectId: id, brandId: id, data: { changed, brand: toBrandDto(row) } })
      return toBrandDto(row)
    },

    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'brands:write')
      const current = await visibleRow(ctx, id, { lock: true })
      checkVersion(expected, current.version)
      await hooks.beforeDelete.run(ctx, toBrandDto(current))
      if (!await repo.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      await record(ctx, { type: 'brand.deleted', subjectType: 'brand', subjectId: id, brandId: id, data: { brand: toBrandDto(current) } })
    }
  }
}
export type BrandsService = ReturnType<typeof createBrandsService>
