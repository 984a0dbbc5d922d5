import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, hasPgCode, isUniqueViolation, notFound, type FieldError } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import { emptyPage, type Page } from '../../lib/pagination.js'
import type { BrandsService } from '../brands/public.js'
import type { RecordEvent } from '../events/public.js'
import { Hook } from '../../lib/hooks.js'
import { handleProblem } from './handle-rules.js'
import type { SocialAccountRow, SocialAccountsRepository } from './social-accounts.repository.js'
import type { BrandSocialAccountsQuery, CreateSocialAccountInput, SocialAccountDto, SocialAccountListQuery, UpdateSocialAccountInput } from './social-accounts.schemas.js'
import type { Platform } from '../../db/tables/social-accounts.js'

const toSocialAccountDto = (r: SocialAccountRow): SocialAccountDto => ({
  id: r.id,
  brandId: r.brandId,
  platform: r.platform,
  handle: r.handle,
  displayName: r.displayName,
  externalId: r.externalId,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

/** Extension points: handlers run in the deleting transaction. */
export interface SocialAccountHooks {
  /**
   * Before the account is deleted: a handler refuses by throwing (content still targets it) or
   * lets go of it (campaigns drop it from their channels).
   */
  beforeDelete: Hook<[ctx: Ctx, account: SocialAccountDto]>
}

/** Where a failing id sits in the caller's body: "channelIds" → channelIds/2, or any path builder. */
export type PathOf = string | ((index: number) => string)
const pathAt = (prefix: PathOf, i: number) => (typeof prefix === 'string' ? `${prefix}/${i}` : prefix(i))

// Social accounts are a brand's channels, so they take the brand permissions: reading needs
// brands:read, creating, changing and deleting need brands:write. A credential limited to some
// brands sees and manages only those brands' accounts; any other reads as 404.
export function createSocialAccountsService (deps: { repo: SocialAccountsRepository, brands: Pick<BrandsService, 'visible' | 'assertBrand'>, record: RecordEvent }) {
  const { repo, brands, record } = deps
  const hooks: SocialAccountHooks = { beforeDelete: new Hook() }

  /** An account the caller may see (its brand is granted), or 404. */
  async function visible (ctx: Ctx, id: string): Promise<SocialAccountRow> {
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Social account')
    return row
  }

  function checkHandle (platform: Platform, handle: string): void {
    const problem = handleProblem(platform, handle)
    if (problem) throw new AppError('HERALD_VALIDATION', `handle: ${problem}.`, { errors: [{ path: 'handle', message: problem }] })
  }

  const duplicate = (platform: Platform, handle: string) =>
    new AppError('HERALD_DUPLICATE', `@${handle} on ${platform} already belongs to a social account of this organization.`, {
      errors: [{ path: 'handle', message: `already used on ${platform}` }]
    })

  /**
   * Checked before writing so the transaction stays usable (a failed INSERT would abort it,
   * and with it the rest of a GraphQL operation); the unique index still decides races.
   */
  async function checkFree (ctx: Ctx, platform: Platform, handle: string, exceptId?: string): Promise<void> {
    const holder = await repo.findByHandle(ctx.actor.orgId, platform, handle, ctx.db)
    if (holder && holder.id !== exceptId) throw duplicate(platform, handle)
  }

  return {
    hooks,

    /**
     * The accounts named in a body, all of them this organization's and of `brandId`, returned
     * in the order given. Unknown or other-tenant ids (and accounts of a brand the caller may
     * not see) are 404; an account of another brand of the organization is 422. Each failing
     * id is named by its path (`channelIds/2`, or what `pathPrefix` builds).
     */
    async findManyForBrand (ctx: Ctx, brandId: string, ids: readonly string[], pathPrefix: PathOf): Promise<SocialAccountDto[]> {
      if (ids.length === 0) return []
      const byId = new Map((await repo.findByIds(ctx.actor.orgId, ids, ctx.db)).map((r) => [r.id, r]))
      const missing: FieldError[] = []
      const foreign: FieldError[] = []
      ids.forEach((id, i) => {
        const row = byId.get(id)
        if (!row || !canSeeBrand(ctx.actor, row.brandId)) missing.push({ path: pathAt(pathPrefix, i), message: 'social account not found' })
        else if (row.brandId !== brandId) foreign.push({ path: pathAt(pathPrefix, i), message: 'social account of another brand' })
      })
      if (missing.length) throw new AppError('HERALD_NOT_FOUND', `Unknown social account at ${missing.map((e) => e.path).join(', ')}.`, { errors: missing })
      if (foreign.length) {
        throw new AppError('HERALD_UNPROCESSABLE', `Social accounts must belong to the same brand; not so at ${foreign.map((e) => e.path).join(', ')}.`, { errors: foreign })
      }
      return ids.map((id) => toSocialAccountDto(byId.get(id)!))
    },

    async list (ctx: Ctx, q: SocialAccountListQuery) {
      authorize(ctx.actor, 'brands:read')
      if (q.brandId && !canSeeBrand(ctx.actor, q.brandId)) return emptyPage<SocialAccountDto>(q)
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toSocialAccountDto) }
    },

    /** A page of accounts for each brand in one statement (GraphQL Brand.socialAccounts). */
    async listForBrands (ctx: Ctx, brandIds: readonly string[], q: BrandSocialAccountsQuery): Promise<Map<string, Page<SocialAccountDto>>> {
      authorize(ctx.actor, 'brands:read')
      const pages = await repo.listPerBrand(ctx.actor.orgId, brandIds.filter((id) => canSeeBrand(ctx.actor, id)), q, ctx.db)
      const out = new Map<string, Page<SocialAccountDto>>()
      for (const id of brandIds) {
        const page = pages.get(id)
        out.set(id, page ? { ...page, data: page.data.map(toSocialAccountDto) } : emptyPage(q))
      }
      return out
    },

    async get (ctx: Ctx, id: string): Promise<SocialAccountDto> {
      authorize(ctx.actor, 'brands:read')
      return toSocialAccountDto(await visible(ctx, id))
    },

    /** Batched read for GraphQL edges; accounts the caller may not see come back as null. */
    async getMany (ctx: Ctx, ids: readonly string[]): Promise<Array<SocialAccountDto | null>> {
      authorize(ctx.actor, 'brands:read')
      const rows = await repo.findByIds(ctx.actor.orgId, ids, ctx.db)
      const byId = new Map(rows.filter((r) => canSeeBrand(ctx.actor, r.brandId)).map((r) => [r.id, toSocialAccountDto(r)]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    async create (ctx: Ctx, input: CreateSocialAccountInput): Promise<SocialAccountDto> {
      authorize(ctx.actor, 'brands:write')
      await brands.assertBrand(ctx, input.brandId)
      checkHandle(input.platform, input.handle)
      await checkFree(ctx, input.platform, input.handle)
      let row: SocialAccountRow
      try {
        row = await repo.insert(ctx.actor.orgId, input, ctx.db)
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate(input.platform, input.handle)
        throw err
      }
      const account = toSocialAccountDto(row)
      await record(ctx, { type: 'social_account.created', subjectType: 'social_account', subjectId: row.id, brandId: row.brandId, data: { socialAccount: account } })
      return account
    },

    async update (ctx: Ctx, id: string, input: UpdateSocialAccountInput, expected?: number | '*'): Promise<SocialAccountDto> {
      authorize(ctx.actor, 'brands:write')
      const current = await visible(ctx, id)
      checkVersion(expected, current.version)
      const { brandId: _b, platform: _p, ...patch } = input
      const changed = (Object.keys(patch) as Array<keyof typeof patch>).filter((k) => patch[k] !== undefined && patch[k] !== current[k])
      if (changed.length === 0) return toSocialAccountDto(current)
      if (patch.handle !== undefined && changed.includes('handle')) {
        checkHandle(current.platform, patch.handle)
        await checkFree(ctx, current.platform, patch.handle, id)
      }
      let row: SocialAccountRow | undefined
      try {
        row = await repo.update(ctx.actor.orgId, id, current.version, patch, ctx.db)
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate(current.platform, patch.handle ?? current.handle)
        throw err
      }
      if (!row) throw preconditionFailed(current.version + 1)
      const account = toSocialAccountDto(row)
      await record(ctx, { type: 'social_account.updated', subjectType: 'social_account', subjectId: id, brandId: row.brandId, data: { changed, socialAccount: account } })
      return account
    },

    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'brands:write')
      const current = await visible(ctx, id)
      checkVersion(expected, current.version)
      const account = toSocialAccountDto(current)
      await hooks.beforeDelete.run(ctx, account)
      try {
        if (!await repo.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      } catch (err) {
        // Something that refers to it arrived after the beforeDelete hooks looked.
        if (hasPgCode(err, '23503')) throw new AppError('HERALD_IN_USE', 'Content items still go to this social account; remove it from their targets (or delete those items) first.')
        throw err
      }
      await record(ctx, { type: 'social_account.deleted', subjectType: 'social_account', subjectId: id, brandId: current.brandId, data: { socialAccount: account } })
    }
  }
}
export type SocialAccountsService = ReturnType<typeof createSocialAccountsService>
