import { authorize, can, canSeeBrand, isBrandLimited, type Actor, type Role } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, isUniqueViolation, notFound, type FieldError } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import { opaqueToken, sha256 } from '../../lib/tokens.js'
import type { BrandsService } from '../brands/public.js'
import type { RecordEvent } from '../events/public.js'
import type { MemberRow, MembersRepository } from './members.repository.js'
import type { CreateMemberInput, MemberDto, MemberListQuery, UpdateMemberInput } from './members.schemas.js'
import { memberFitIssue } from './member-fit.js'

export const INVITATION_TTL_MS = 7 * 24 * 3600_000

/**
 * A member as this reader may see it: a reader limited to some brands is not told which other
 * brands a member works on (only the grants it shares; null still means every brand).
 */
const memberFor = (reader: Actor, r: MemberRow): MemberDto => {
  const dto = toMemberDto(r)
  return isBrandLimited(reader) && dto.brandIds ? { ...dto, brandIds: dto.brandIds.filter((id) => canSeeBrand(reader, id)) } : dto
}

const toMemberDto = (r: MemberRow): MemberDto => ({
  id: r.id,
  userId: r.userId,
  email: r.email,
  name: r.name,
  role: r.role,
  brandIds: r.brandIds,
  status: r.status,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

export function createMembersService (deps: { repo: MembersRepository, brands: Pick<BrandsService, 'assertBrands'>, record: RecordEvent, forgetActor?: (membershipId: string) => void }) {
  const { repo, brands, record } = deps
  /** A membership changed: what this instance remembers of it as a credential must go now. */
  const forget = (id: string) => { deps.forgetActor?.(id) }

  async function find (ctx: Ctx, id: string): Promise<MemberRow> {
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
    if (!row) throw notFound('Member')
    return row
  }

  /** Only an owner may make or unmake an owner; a brand-limited member cannot manage others. */
  function checkRoleChange (ctx: Ctx, from: Role | undefined, to: Role | undefined): void {
    authorize(ctx.actor, 'members:manage')
    if (isBrandLimited(ctx.actor)) throw new AppError('HERALD_FORBIDDEN', 'Members limited to some brands cannot manage members.')
    if ((from === 'owner' || to === 'owner') && ctx.actor.role !== 'owner') {
      authorize(ctx.actor, 'organization:transfer')
    }
  }

  return {
    /** For sign-up: the organization's first owner (ctx's member actor, its id and user). */
    async addFounder (ctx: Ctx, email: string): Promise<void> {
      await repo.insertActive(ctx.actor.orgId, { id: ctx.actor.id, userId: ctx.actor.userId!, email, role: 'owner' }, ctx.db)
      await record(ctx, { type: 'member.joined', subjectType: 'member', subjectId: ctx.actor.id, data: { role: 'owner', email } })
    },

    /**
     * For accepting an invitation: ctx is the invited member (its id is the invitation's);
     * false when the invitation was used meanwhile.
     */
    async join (ctx: Ctx, email: string): Promise<boolean> {
      if (!await repo.activate(ctx.actor.orgId, ctx.actor.id, ctx.actor.userId!, ctx.db)) return false
      await record(ctx, { type: 'member.joined', subjectType: 'member', subjectId: ctx.actor.id, data: { role: ctx.actor.role, email } })
      return true
    },

    /** For other modules' rules: members by id, whatever the caller may read. */
    async findMany (ctx: Ctx, ids: readonly string[]): Promise<MemberDto[]> {
      return (await repo.findByIds(ctx.actor.orgId, ids, ctx.db)).map(toMemberDto)
    },

    /** For approval rules: every active member, with what decides who may approve. */
    async listActive (ctx: Ctx): Promise<Array<{ id: string, role: Role, brandIds: string[] | null }>> {
      return await repo.listActive(ctx.actor.orgId, ctx.db)
    },

    /** For GraphQL edges (a campaign's owner, approvers): by id, or null when the caller may not read members. */
    async readable (ctx: Ctx, ids: readonly string[]): Promise<Map<string, MemberDto> | null> {
      if (!can(ctx.actor, 'members:read')) return null
      return new Map((await repo.findByIds(ctx.actor.orgId, ids, ctx.db)).map((m) => [m.id, memberFor(ctx.actor, m)]))
    },

    /**
     * For other modules: every member named in a body must be one who may work on the brand
     * (memberFitIssue), and pass `also` (a rule of the caller's, e.g. "a client cannot read
     * internal comments"). One 404 naming each unknown path, else one 422 naming each unfit one.
     */
    async assertFit (ctx: Ctx, brandId: string, refs: ReadonlyArray<{ id: string, path: string }>, also?: (m: MemberDto) => string | null): Promise<MemberDto[]> {
      if (refs.length === 0) return []
      const found = new Map((await repo.findByIds(ctx.actor.orgId, refs.map((r) => r.id), ctx.db)).map((m) => [m.id, toMemberDto(m)]))
      const missing: FieldError[] = []
      const unfit: FieldError[] = []
      for (const { id, path } of refs) {
        const m = found.get(id)
        const issue = memberFitIssue(m, brandId)
        const extra = m && !issue && also ? also(m) : null
        if (issue?.code === 'HERALD_NOT_FOUND') missing.push({ path, message: issue.message })
        else if (issue || extra) unfit.push({ path, message: issue?.message ?? extra! })
      }
      if (missing.length) throw new AppError('HERALD_NOT_FOUND', `Unknown member: ${missing.map((e) => e.path).join(', ')}.`, { errors: missing })
      if (unfit.length) throw new AppError('HERALD_UNPROCESSABLE', unfit.map((e) => `${e.path}: ${e.message}`).join('; ') + '.', { errors: unfit })
      return refs.map((r) => found.get(r.id)!)
    },

    async list (ctx: Ctx, q: MemberListQuery) {
      authorize(ctx.actor, 'members:read')
      const page = await repo.list(ctx.actor.orgId, q, ctx.db)
      return { ...page, data: page.data.map((r) => memberFor(ctx.actor, r)) }
    },

    async get (ctx: Ctx, id: string): Promise<MemberDto> {
      authorize(ctx.actor, 'members:read')
      return memberFor(ctx.actor, await find(ctx, id))
    },

    async invite (ctx: Ctx, input: CreateMemberInput): Promise<MemberDto & { invitationToken: string, invitationExpiresAt: string }> {
      checkRoleChange(ctx, undefined, input.role)
      await brands.assertBrands(ctx, input.brandIds ?? [])
      const token = opaqueToken()
      const expiresAt = new Date(Date.now() + INVITATION_TTL_MS)
      let id: string
      try {
        id = await repo.insertInvited(ctx.actor.orgId, { email: input.email, role: input.role, brandIds: input.brandIds ?? null, tokenHash: sha256(token), expiresAt }, ctx.db)
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('HERALD_DUPLICATE', `${input.email} is already a member or invited.`, { errors: [{ path: 'email', message: 'already a member' }] })
        throw err
      }
      const member = toMemberDto((await repo.findById(ctx.actor.orgId, id, ctx.db))!)
      await record(ctx, { type: 'member.invited', subjectType: 'member', subjectId: id, data: { member } })
      return { ...member, invitationToken: token, invitationExpiresAt: expiresAt.toISOString() }
    },

    async update (ctx: Ctx, id: string, patch: UpdateMemberInput, expected?: number | '*'): Promise<MemberDto> {
      const current = await find(ctx, id)
      checkRoleChange(ctx, current.role, patch.role)
      checkVersion(expected, current.version)
      await brands.assertBrands(ctx, patch.brandIds ?? [])
      if (current.role === 'owner' && patch.role && patch.role !== 'owner') {
        const owners = await repo.lockOwners(ctx.actor.orgId, ctx.db)
        if (owners.length <= 1 && owners.includes(id)) throw new AppError('HERALD_LAST_OWNER', 'This is the last owner; make someone else owner first.')
      }
      if (!await repo.update(ctx.actor.orgId, id, current.version, patch, ctx.db)) throw preconditionFailed(current.version + 1)
      forget(id)
      const member = toMemberDto((await repo.findById(ctx.actor.orgId, id, ctx.db))!)
      await record(ctx, { type: 'member.updated', subjectType: 'member', subjectId: id, data: { changed: Object.keys(patch), member } })
      return member
    },

    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      const current = await find(ctx, id)
      checkRoleChange(ctx, current.role, undefined)
      checkVersion(expected, current.version)
      if (current.role === 'owner') {
        const owners = await repo.lockOwners(ctx.actor.orgId, ctx.db)
        if (owners.length <= 1 && owners.includes(id)) throw new AppError('HERALD_LAST_OWNER', 'This is the last owner; make someone else owner first.')
      }
      if (!await repo.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      forget(id)
      await record(ctx, { type: 'member.removed', subjectType: 'member', subjectId: id, data: { member: toMemberDto(current) } })
    }
  }
}
export type MembersService = ReturnType<typeof createMembersService>
