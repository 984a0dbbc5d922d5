import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { BrandsService } from '../brands/public.js'
import type { EventType, RecordEvent } from '../events/public.js'
import type { BrandDto } from '../brands/public.js'
import type { MembersService } from '../members/public.js'
import { builtInDefaultPolicy } from './policy-steps.js'
import type { ApprovalPoliciesQueries } from './approval-policies.queries.js'
import type { ApprovalPoliciesRepository, ApprovalPolicyRow, PolicyOverrideRow } from './approval-policies.repository.js'
import type { ApprovalPolicyDto, ApprovalPolicyListQuery, ApprovalStepInput, CreateApprovalPolicyInput, UpdateApprovalPolicyInput } from './approval-policies.schemas.js'
import type { ApprovalStep } from '../../db/tables/brands.js'

const toApprovalPolicyDto = (r: ApprovalPolicyRow): ApprovalPolicyDto => ({
  id: r.id,
  brandId: r.brandId,
  name: r.name,
  steps: r.steps.map((s) => ({ name: s.name, roles: s.roles ?? [], memberIds: s.memberIds ?? [], mode: s.mode })),
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

/** The policy that governs a brand's (or a campaign's) content at submission time. */
export interface EffectivePolicy {
  /**
   * Where it came from: a temporary override of the brand (e.g. an incident's stricter policy),
   * the campaign's policy, the brand's default, or the built-in one.
   */
  source: 'override' | 'campaign' | 'brand' | 'built_in'
  /** null for the built-in default (a brand created before policies existed). */
  policyId: string | null
  name: string
  steps: ApprovalStep[]
  /** With source 'override': what put it in force. */
  override?: { id: string, sourceType: string, sourceId: string }
}

/** Who puts a temporary policy in force for a brand, and ends it (e.g. an incident). */
export interface OverrideSource {
  sourceType: string
  sourceId: string
}

const toOverrideDto = (r: PolicyOverrideRow) => ({
  id: r.id,
  brandId: r.brandId,
  name: r.name,
  steps: r.steps.map((s) => ({ name: s.name, roles: s.roles ?? [], memberIds: s.memberIds ?? [], mode: s.mode })),
  sourceType: r.sourceType,
  sourceId: r.sourceId,
  createdAt: iso(r.createdAt)!,
  endedAt: iso(r.endedAt)
})
export type PolicyOverrideDto = ReturnType<typeof toOverrideDto>

const normalise = (steps: ApprovalStepInput[]): ApprovalStep[] =>
  steps.map((s) => ({ name: s.name, roles: s.roles ?? [], memberIds: s.memberIds ?? [], mode: s.mode }))

export interface ApprovalPoliciesDeps {
  repo: ApprovalPoliciesRepository
  queries: ApprovalPoliciesQueries
  brands: Pick<BrandsService, 'assertBrand' | 'adoptDefaultPolicy'>
  members: Pick<MembersService, 'assertFit'>
  record: RecordEvent
}

export function createApprovalPoliciesService (deps: ApprovalPoliciesDeps) {
  const { repo, queries, brands, members, record } = deps

  /** A policy the caller may see (its brand granted), or 404. */
  async function visible (ctx: Ctx, id: string): Promise<ApprovalPolicyRow> {
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Approval policy')
    return row
  }

  /** Named approvers must be able to decide: members who joined and can see the brand. */
  async function checkStepMembers (ctx: Ctx, brandId: string, steps: ApprovalStepInput[]): Promise<void> {
    const refs = steps.flatMap((s, i) => (s.memberIds ?? []).map((id, j) => ({ id, path: `steps/${i}/memberIds/${j}` })))
    await members.assertFit(ctx, brandId, refs)
  }

  async function event (ctx: Ctx, type: EventType, row: ApprovalPolicyRow, extra: Record<string, unknown> = {}) {
    await record(ctx, { type, subjectType: 'approval_policy', subjectId: row.id, brandId: row.brandId, data: { ...extra, policy: toApprovalPolicyDto(row) } })
  }

  return {
    async list (ctx: Ctx, q: ApprovalPolicyListQuery) {
      authorize(ctx.actor, 'approvals:read')
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toApprovalPolicyDto) }
    },

    async get (ctx: Ctx, id: string): Promise<ApprovalPolicyDto> {
      authorize(ctx.actor, 'approvals:read')
      return toApprovalPolicyDto(await visible(ctx, id))
    },

    /** Batched read for GraphQL edges; unknown or ungranted policies come back as null. */
    async getMany (ctx: Ctx, ids: readonly string[]): Promise<Array<ApprovalPolicyDto | null>> {
      authorize(ctx.actor, 'approvals:read')
      const rows = await repo.findByIds(ctx.actor.orgId, [...new Set(ids)], ctx.db)
      const byId = new Map(rows.filter((r) => canSeeBrand(ctx.actor, r.brandId)).map((r) => [r.id, toApprovalPolicyDto(r)]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    async create (ctx: Ctx, input: CreateApprovalPolicyInput): Promise<ApprovalPolicyDto> {
      authorize(ctx.actor, 'approvals:write')
      await brands.assertBrand(ctx, input.brandId)
      await checkStepMembers(ctx, input.brandId, input.steps)
      const row = await repo.insert(ctx.actor.orgId, { brandId: input.brandId, name: input.name, steps: normalise(input.steps) }, ctx.db)
      await event(ctx, 'approval_policy.created', row)
      return toApprovalPolicyDto(row)
    },

    /** Requests already open keep the steps they were submitted with. */
    async update (ctx: Ctx, id: string, patch: UpdateApprovalPolicyInput, expected?: number | '*'): Promise<ApprovalPolicyDto> {
      authorize(ctx.actor, 'approvals:write')
      const current = await visible(ctx, id)
      checkVersion(expected, current.version)
      if (patch.steps) await checkStepMembers(ctx, current.brandId, patch.steps)
      const next = { name: patch.name, steps: patch.steps ? normalise(patch.steps) : undefined }
      const before = toApprovalPolicyDto(current)
      const changed = [
        ...(next.name !== undefined && next.name !== current.name ? ['name'] : []),
        ...(next.steps !== undefined && JSON.stringify(next.steps) !== JSON.stringify(before.steps) ? ['steps'] : [])
      ]
      if (changed.length === 0) return before
      const row = await repo.update(ctx.actor.orgId, id, current.version, next, ctx.db)
      if (!row) throw preconditionFailed(current.version + 1)
      await event(ctx, 'approval_policy.updated', row, { changed })
      return toApprovalPolicyDto(row)
    },

    /** A policy that a brand or campaign names as theirs is refused (409) with its users. */
    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'approvals:write')
      // Lock first, then look for users: a concurrent "use this policy" waits for us or we for it.
      const current = await repo.findById(ctx.actor.orgId, id, ctx.db, { lock: 'update' })
      if (!current || !canSeeBrand(ctx.actor, current.brandId)) throw notFound('Approval policy')
      checkVersion(expected, current.version)
      const users = await queries.usedBy(ctx.actor.orgId, id, ctx.db)
      if (users.brands.length || users.campaigns.length) {
        const errors = [
          ...users.brands.map((b) => ({ path: `usedBy/brands/${b.id}`, message: `default approval policy of brand "${b.name}"` })),
          ...users.campaigns.map((c) => ({ path: `usedBy/campaigns/${c.id}`, message: `approval policy of campaign "${c.name}"` }))
        ]
        throw new AppError('HERALD_IN_USE', `This policy is still in use (${errors.map((e) => e.message).join('; ')}); point them at another policy first.`, { errors })
      }
      if (!await repo.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      await event(ctx, 'approval_policy.deleted', current)
    },

    /**
     * For a brand's or campaign's approvalPolicyId: the policy must exist in this organization
     * and be visible (else 404 naming `path`) and belong to that brand (else 422). Locks the
     * policy row (KEY SHARE) so a concurrent delete cannot leave a dangling reference.
     */
    async assertPolicyForBrand (ctx: Ctx, policyId: string, brandId: string, path: string): Promise<ApprovalPolicyDto> {
      const row = await repo.findById(ctx.actor.orgId, policyId, ctx.db, { lock: 'key share' })
      if (!row || !canSeeBrand(ctx.actor, row.brandId)) {
        throw new AppError('HERALD_NOT_FOUND', 'Approval policy was not found.', { errors: [{ path, message: 'approval policy not found' }] })
      }
      if (row.brandId !== brandId) {
        throw new AppError('HERALD_UNPROCESSABLE', 'The approval policy belongs to another brand; use one of this brand\'s policies.', { errors: [{ path, message: 'approval policy of another brand' }] })
      }
      return toApprovalPolicyDto(row)
    },

    /**
     * The policy for content of a brand (and optionally a campaign) at submission: the
     * campaign's, else the brand's, else the built-in default. No authorization here: the
     * caller (content submission) has authorized its own action.
     */
    async effectivePolicy (ctx: Ctx, brandId: string, campaignId?: string | null): Promise<EffectivePolicy> {
      const override = await repo.overrides.active(ctx.actor.orgId, brandId, ctx.db)
      if (override) {
        return { source: 'override', policyId: null, name: override.name, steps: toOverrideDto(override).steps, override: { id: override.id, sourceType: override.sourceType, sourceId: override.sourceId } }
      }
      const found = await queries.effective(ctx.actor.orgId, brandId, campaignId ?? null, ctx.db)
      if (!found.found) throw notFound('Brand')
      if (found.policy && found.source) {
        return { source: found.source, policyId: found.policy.id, name: found.policy.name, steps: toApprovalPolicyDto(found.policy).steps }
      }
      return { source: 'built_in', policyId: null, ...builtInDefaultPolicy() }
    },

    /**
     * Puts a temporary policy in force for a brand's NEW approval requests (its campaigns' too),
     * in the caller's transaction, until endOverride: e.g. a crisis playbook's stricter steps for
     * an incident. Requests already open keep the steps they were submitted with. Named members
     * are not checked here (an incident must open whatever the team looks like): a step nobody
     * can decide is refused at submission, as for any policy. No authorization here: the caller
     * (activating an incident) has authorized its own action. Once per source and brand (a
     * repeat returns the existing one, started: false). Announced as approval_policy.override_started.
     */
    async startOverride (ctx: Ctx, brandId: string, source: OverrideSource, policy: { name: string, steps: ApprovalStepInput[] }): Promise<PolicyOverrideDto & { started: boolean }> {
      const row = await repo.overrides.insert(ctx.actor.orgId, { brandId, name: policy.name, steps: normalise(policy.steps), ...source }, ctx.db)
      if (!row) {
        const current = await repo.overrides.active(ctx.actor.orgId, brandId, ctx.db)
        if (current && current.sourceType === source.sourceType && current.sourceId === source.sourceId) return { ...toOverrideDto(current), started: false }
        throw new AppError('HERALD_CONFLICT', 'This source already put an approval policy in force for this brand.')
      }
      const out = toOverrideDto(row)
      await record(ctx, { type: 'approval_policy.override_started', subjectType: 'approval_policy_override', subjectId: row.id, brandId, data: { override: out } })
      return { ...out, started: true }
    },

    /**
     * Ends the source's override for a brand in the caller's transaction: new requests follow
     * the brand's (or campaign's) policy again, or another override still in force. null when
     * none was in force. Announced as approval_policy.override_ended.
     */
    async endOverride (ctx: Ctx, brandId: string, source: OverrideSource): Promise<PolicyOverrideDto | null> {
      const row = await repo.overrides.end(ctx.actor.orgId, { brandId, ...source }, ctx.db)
      if (!row) return null
      const out = toOverrideDto(row)
      await record(ctx, { type: 'approval_policy.override_ended', subjectType: 'approval_policy_override', subjectId: row.id, brandId, data: { override: out } })
      return out
    },

    /** Brand hook: every new brand gets its own copy of the built-in default, as its default. */
    async createDefaultForBrand (ctx: Ctx, brand: BrandDto): Promise<void> {
      const row = await repo.insert(ctx.actor.orgId, { brandId: brand.id, ...builtInDefaultPolicy() }, ctx.db)
      await brands.adoptDefaultPolicy(ctx, brand.id, row.id)
      await event(ctx, 'approval_policy.created', row)
    }
  }
}
export type ApprovalPoliciesService = ReturnType<typeof createApprovalPoliciesService>
