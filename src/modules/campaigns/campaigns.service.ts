import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { emptyPage, type Page } from '../../lib/pagination.js'
import type { BrandsService } from '../brands/public.js'
import type { RecordEvent } from '../events/public.js'
import type { MemberDto, MembersService } from '../members/public.js'
import type { ApprovalPoliciesService } from '../approval-policies/public.js'
import type { SocialAccountDto, SocialAccountsService } from '../social-accounts/public.js'
import { assertTransition, isDeletable } from './campaign-status.js'
import { checkDates, diffPatch, toCampaignDto, valuesForCreate } from './campaign-values.js'
import type { CampaignRow, CampaignsRepository } from './campaigns.repository.js'
import type { BrandCampaignsQuery, CampaignDto, CampaignListQuery, CreateCampaignInput, UpdateCampaignInput } from './campaigns.schemas.js'

export interface CampaignsDeps {
  repo: CampaignsRepository
  brands: Pick<BrandsService, 'visible' | 'assertBrand'>
  socialAccounts: Pick<SocialAccountsService, 'findManyForBrand'>
  members: Pick<MembersService, 'assertFit' | 'readable'>
  /** approvalPolicyId must be one of the campaign's brand's policies (404 unknown, 422 another brand's). */
  policies: Pick<ApprovalPoliciesService, 'assertPolicyForBrand'>
  record: RecordEvent
}

// Campaigns need campaigns:read / campaigns:write (owners, admins and managers write; creators,
// analysts and clients read; clients only their granted brands). A campaign of a brand the
// caller may not see is a 404, like another organization's.
export function createCampaignsService (deps: CampaignsDeps) {
  const { repo, brands, socialAccounts, members, policies, record } = deps

  async function visible (ctx: Ctx, id: string): Promise<CampaignRow> {
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Campaign')
    return row
  }

  /**
   * Wire shapes for many rows. Rows read carry their channel ids (read in the same statement);
   * rows a write returned have theirs read here, in one statement for all of them.
   */
  async function toDtos (ctx: Ctx, rows: CampaignRow[]): Promise<CampaignDto[]> {
    const missing = rows.filter((r) => r.channelIds === undefined).map((r) => r.id)
    const channels = missing.length ? await repo.channelsOf(ctx.actor.orgId, missing, ctx.db) : undefined
    return rows.map((r) => toCampaignDto(r, r.channelIds ?? channels?.get(r.id) ?? []))
  }
  const toDto = async (ctx: Ctx, row: CampaignRow) => (await toDtos(ctx, [row]))[0]

  /** The owner is an active member of this organization who may work on the brand. */
  async function checkOwner (ctx: Ctx, ownerId: string, brandId: string): Promise<void> {
    await members.assertFit(ctx, brandId, [{ id: ownerId, path: 'ownerId' }])
  }

  return {
    visible,

    async list (ctx: Ctx, q: CampaignListQuery) {
      authorize(ctx.actor, 'campaigns:read')
      if (q.brandId && !canSeeBrand(ctx.actor, q.brandId)) return emptyPage<CampaignDto>(q)
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: await toDtos(ctx, page.data) }
    },

    /** A page of campaigns for each brand: two statements for any number of brands. */
    async listForBrands (ctx: Ctx, brandIds: readonly string[], q: BrandCampaignsQuery): Promise<Map<string, Page<CampaignDto>>> {
      authorize(ctx.actor, 'campaigns:read')
      const pages = await repo.listPerBrand(ctx.actor.orgId, brandIds.filter((id) => canSeeBrand(ctx.actor, id)), q, ctx.db)
      const dtos = new Map((await toDtos(ctx, [...pages.values()].flatMap((p) => p.data))).map((d) => [d.id, d]))
      const out = new Map<string, Page<CampaignDto>>()
      for (const id of brandIds) {
        const page = pages.get(id)
        out.set(id, page ? { ...page, data: page.data.map((r) => dtos.get(r.id)!) } : emptyPage(q))
      }
      return out
    },

    async get (ctx: Ctx, id: string): Promise<CampaignDto> {
      authorize(ctx.actor, 'campaigns:read')
      return await toDto(ctx, await visible(ctx, id))
    },

    /** Batched read for GraphQL edges (e.g. ContentItem.campaign); unseen ones are null. */
    async getMany (ctx: Ctx, ids: readonly string[]): Promise<Array<CampaignDto | null>> {
      authorize(ctx.actor, 'campaigns:read')
      const rows = (await repo.findByIds(ctx.actor.orgId, ids, ctx.db)).filter((r) => canSeeBrand(ctx.actor, r.brandId))
      const byId = new Map((await toDtos(ctx, rows)).map((d) => [d.id, d]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    /** Campaign.owner: null when there is no owner, or the caller may not read members. */
    async owners (ctx: Ctx, ownerIds: ReadonlyArray<string | null>): Promise<Array<MemberDto | null>> {
      const byId = await members.readable(ctx, [...new Set(ownerIds.filter((id): id is string => id !== null))])
      return ownerIds.map((id) => (id && byId ? byId.get(id) ?? null : null))
    },

    async create (ctx: Ctx, input: CreateCampaignInput): Promise<CampaignDto> {
      authorize(ctx.actor, 'campaigns:write')
      await brands.assertBrand(ctx, input.brandId)
      const channels = await socialAccounts.findManyForBrand(ctx, input.brandId, input.channelIds ?? [], 'channelIds')
      // A person who creates a campaign owns it unless they name someone else (or null).
      const ownerId = input.ownerId !== undefined ? input.ownerId : (ctx.actor.kind === 'member' ? ctx.actor.id : null)
      if (input.ownerId) await checkOwner(ctx, input.ownerId, input.brandId)
      if (input.approvalPolicyId) await policies.assertPolicyForBrand(ctx, input.approvalPolicyId, input.brandId, 'approvalPolicyId')
      checkDates(input.startsOn ?? null, input.endsOn ?? null)
      const row = await repo.insert(ctx.actor.orgId, input.brandId, valuesForCreate(input, ownerId), ctx.db)
      await repo.setChannels(ctx.actor.orgId, row.id, channels.map((c) => c.id), ctx.db)
      const campaign = await toDto(ctx, row)
      await record(ctx, { type: 'campaign.created', subjectType: 'campaign', subjectId: row.id, brandId: row.brandId, data: { campaign } })
      return campaign
    },

    /**
     * Changes fields and/or the status in one step. The status follows CAMPAIGN_TRANSITIONS
     * (409 HERALD_ILLEGAL_TRANSITION with `allowed`); a status change writes
     * campaign.status_changed, other fields campaign.updated.
     */
    async update (ctx: Ctx, id: string, patch: UpdateCampaignInput, expected?: number | '*'): Promise<CampaignDto> {
      authorize(ctx.actor, 'campaigns:write')
      const row = await visible(ctx, id)
      checkVersion(expected, row.version)
      const current = await toDto(ctx, row)
      const { values, changed } = diffPatch(current, patch)
      if (changed.length === 0) return current
      if (values.status) assertTransition(current.status, values.status)
      if (patch.channelIds && changed.includes('channelIds')) await socialAccounts.findManyForBrand(ctx, current.brandId, patch.channelIds, 'channelIds')
      if (values.ownerId) await checkOwner(ctx, values.ownerId, current.brandId)
      if (values.approvalPolicyId) await policies.assertPolicyForBrand(ctx, values.approvalPolicyId, current.brandId, 'approvalPolicyId')
      checkDates(values.startsOn !== undefined ? values.startsOn : current.startsOn, values.endsOn !== undefined ? values.endsOn : current.endsOn)

      const updated = await repo.update(ctx.actor.orgId, id, row.version, values, ctx.db)
      if (!updated) throw preconditionFailed(row.version + 1)
      if (patch.channelIds && changed.includes('channelIds')) await repo.setChannels(ctx.actor.orgId, id, patch.channelIds, ctx.db)
      const campaign = await toDto(ctx, updated)
      const fields = changed.filter((f) => f !== 'status')
      const event = { subjectType: 'campaign', subjectId: id, brandId: campaign.brandId }
      if (fields.length) await record(ctx, { ...event, type: 'campaign.updated', data: { changed: fields, campaign } })
      if (values.status) await record(ctx, { ...event, type: 'campaign.status_changed', data: { from: current.status, to: values.status, campaign } })
      return campaign
    },

    /**
     * For the brands module, before a brand is deleted: a brand with a campaign beyond draft
     * keeps its history (409, archive the brand instead); draft campaigns go now, each with
     * its campaign.deleted event.
     */
    async releaseBrand (ctx: Ctx, brand: { id: string, name: string }): Promise<void> {
      const rows = await repo.ofBrandForDeletion(ctx.actor.orgId, brand.id, ctx.db)
      const kept = rows.filter((r) => !isDeletable(r.status))
      if (kept.length) {
        throw new AppError('HERALD_IN_USE', `The brand "${brand.name}" has ${kept.length} campaign${kept.length === 1 ? '' : 's'} beyond draft: its history is kept. Archive the brand instead (PATCH /v1/brands/{id} {"status": "archived"}).`, { extra: { reason: 'brand_has_history' } })
      }
      for (const campaign of await toDtos(ctx, rows)) {
        const row = rows.find((r) => r.id === campaign.id)!
        if (!await repo.delete(ctx.actor.orgId, row.id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
        await record(ctx, { type: 'campaign.deleted', subjectType: 'campaign', subjectId: row.id, brandId: row.brandId, data: { campaign, reason: 'brand_deleted' } })
      }
    },

    /** Only drafts are deleted; a campaign that was planned or ran is archived instead. */
    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'campaigns:write')
      const row = await visible(ctx, id)
      checkVersion(expected, row.version)
      if (!isDeletable(row.status)) {
        throw new AppError('HERALD_CONFLICT', `Only draft campaigns can be deleted; this one is ${row.status}. Archive it instead (PATCH {"status": "archived"}).`)
      }
      const campaign = await toDto(ctx, row)
      if (!await repo.delete(ctx.actor.orgId, id, row.version, ctx.db)) throw preconditionFailed(row.version + 1)
      await record(ctx, { type: 'campaign.deleted', subjectType: 'campaign', subjectId: id, brandId: row.brandId, data: { campaign } })
    },

    /** Runs before a social account is deleted: it leaves every campaign that ran on it. */
    async dropChannel (ctx: Ctx, account: SocialAccountDto): Promise<void> {
      const rows = await repo.dropChannel(ctx.actor.orgId, account.id, ctx.db)
      for (const campaign of await toDtos(ctx, rows)) {
        const data = { changed: ['channelIds'], reason: 'social_account.deleted', socialAccountId: account.id, campaign }
        await record(ctx, { type: 'campaign.updated', subjectType: 'campaign', subjectId: campaign.id, brandId: campaign.brandId, data })
      }
    }
  }
}
export type CampaignsService = ReturnType<typeof createCampaignsService>
