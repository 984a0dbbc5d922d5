import { authorize, can, requireUser, type Scope } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import { newApiKey } from '../../lib/tokens.js'
import type { BrandsService } from '../brands/public.js'
import type { RecordEvent } from '../events/public.js'
import type { ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js'
import type { ApiKeyDto, ApiKeyListQuery, CreateApiKeyInput } from './api-keys.schemas.js'

const toApiKeyDto = (r: ApiKeyRow): ApiKeyDto => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  lastFour: r.lastFour,
  scopes: r.scopes as Scope[],
  brandIds: r.brandIds,
  createdAt: iso(r.createdAt)!,
  lastUsedAt: iso(r.lastUsedAt),
  revokedAt: iso(r.revokedAt)
})

export function createApiKeysService (deps: { repo: ApiKeysRepository, brands: Pick<BrandsService, 'assertBrands'>, record: RecordEvent, forgetKey?: (prefix: string) => void }) {
  const { repo, brands, record } = deps

  function manage (ctx: Ctx) {
    requireUser(ctx.actor)
    authorize(ctx.actor, 'api_keys:manage')
  }

  return {
    async list (ctx: Ctx, q: ApiKeyListQuery) {
      manage(ctx)
      const page = await repo.list(ctx.actor.orgId, q, ctx.db)
      return { ...page, data: page.data.map(toApiKeyDto) }
    },

    async get (ctx: Ctx, id: string): Promise<ApiKeyDto> {
      manage(ctx)
      const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
      if (!row) throw notFound('API key')
      return toApiKeyDto(row)
    },

    async create (ctx: Ctx, input: CreateApiKeyInput): Promise<ApiKeyDto & { secret: string }> {
      manage(ctx)
      // A key never gets more than its creator has: no wider scopes, no other brands.
      const beyond = input.scopes.filter((s) => !can(ctx.actor, s))
      if (beyond.length) throw new AppError('HERALD_FORBIDDEN', `You cannot grant scopes you do not have: ${beyond.join(', ')}.`)
      let brandIds = input.brandIds ?? null
      if (ctx.actor.brandIds) {
        brandIds ??= [...ctx.actor.brandIds]
        const outside = brandIds.filter((b) => !ctx.actor.brandIds!.includes(b))
        if (outside.length) throw new AppError('HERALD_FORBIDDEN', 'You cannot grant brands you do not have.')
      }
      if (brandIds) await brands.assertBrands(ctx, brandIds)
      const key = newApiKey()
      const row = await repo.insert(ctx.actor.orgId, {
        name: input.name, prefix: key.prefix, secretHash: key.hash, lastFour: key.lastFour, scopes: input.scopes, brandIds, createdByMemberId: ctx.actor.id
      }, ctx.db)
      const dto = toApiKeyDto(row)
      await record(ctx, { type: 'api_key.created', subjectType: 'api_key', subjectId: row.id, data: { apiKey: dto } })
      return { ...dto, secret: key.key }
    },

    async revoke (ctx: Ctx, id: string): Promise<void> {
      manage(ctx)
      const existing = await repo.findById(ctx.actor.orgId, id, ctx.db)
      if (!existing) throw notFound('API key')
      const row = await repo.revoke(ctx.actor.orgId, id, ctx.db)
      deps.forgetKey?.(existing.prefix)
      if (!row) return // already revoked: DELETE is idempotent
      await record(ctx, { type: 'api_key.revoked', subjectType: 'api_key', subjectId: id, data: { apiKey: toApiKeyDto(row) } })
    }
  }
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>
