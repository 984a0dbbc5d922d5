import { authorize, isBrandLimited } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import type { RecordEvent } from '../events/public.js'
import type { OrganizationRow, OrganizationsRepository } from './organizations.repository.js'
import type { OrganizationSettingsDto, UpdateOrganizationInput } from './organizations.schemas.js'

const toOrganizationDto = (r: OrganizationRow): OrganizationSettingsDto => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  timeZone: r.timeZone,
  version: r.version,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!
})

export function createOrganizationsService (deps: { repo: OrganizationsRepository, record: RecordEvent }) {
  const { repo, record } = deps

  /** The caller's own organization; it exists as long as the credential does. */
  async function current (ctx: Ctx): Promise<OrganizationRow> {
    const row = await repo.findById(ctx.actor.orgId, ctx.db)
    if (!row) throw new AppError('HERALD_UNAUTHENTICATED', 'The organization no longer exists.')
    return row
  }

  return {
    /**
     * For other modules: creates the organization of a sign-up (ctx: its first owner, whose
     * membership the members module writes in the same transaction).
     */
    async create (ctx: Ctx, v: { name: string, slug: string }): Promise<OrganizationSettingsDto> {
      const organization = toOrganizationDto(await repo.insert({ id: ctx.actor.orgId, ...v }, ctx.db))
      await record(ctx, { type: 'organization.created', subjectType: 'organization', subjectId: organization.id, data: { organization: { id: organization.id, name: organization.name, slug: organization.slug } } })
      return organization
    },

    /** For other modules (GET /v1/me): the caller's organization, whatever its permissions. */
    async current (ctx: Ctx): Promise<OrganizationSettingsDto> {
      return toOrganizationDto(await current(ctx))
    },

    async get (ctx: Ctx): Promise<OrganizationSettingsDto> {
      authorize(ctx.actor, 'organization:read')
      return toOrganizationDto(await current(ctx))
    },

    async update (ctx: Ctx, patch: UpdateOrganizationInput, expected?: number | '*'): Promise<OrganizationSettingsDto> {
      authorize(ctx.actor, 'organization:manage')
      // Settings apply to every brand; someone trusted with only some brands may not change them.
      if (isBrandLimited(ctx.actor)) throw new AppError('HERALD_FORBIDDEN', 'Members limited to some brands cannot change organization settings.')
      const before = await current(ctx)
      checkVersion(expected, before.version)
      const changed = (Object.keys(patch) as Array<keyof UpdateOrganizationInput>).filter((k) => patch[k] !== undefined && patch[k] !== before[k])
      if (changed.length === 0) return toOrganizationDto(before)
      const row = await repo.update(ctx.actor.orgId, before.version, patch, ctx.db)
      if (!row) throw preconditionFailed(before.version + 1)
      const organization = toOrganizationDto(row)
      await record(ctx, { type: 'organization.updated', subjectType: 'organization', subjectId: row.id, data: { changed, organization } })
      return organization
    }
  }
}
export type OrganizationsService = ReturnType<typeof createOrganizationsService>
