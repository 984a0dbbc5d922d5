import { together } from '../../lib/together.js'
import { sql } from 'drizzle-orm'
import { actorRef, authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound, type FieldError } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import type { Page } from '../../lib/pagination.js'
import { crisisPlaybooks } from '../../db/tables/crisis.js'
import type { BrandsService } from '../brands/public.js'
import type { MembersService } from '../members/public.js'
import type { RecordEvent } from '../events/public.js'
import { reviewDueSql, type CrisisRepository, type PlaybookRow } from './crisis.repository.js'
import { PlaybookDefinition, type CreatePlaybookInput, type PlaybookDto, type PlaybookListQuery, type PlaybookVersionDto, type UpdatePlaybookInput } from './playbooks.schemas.js'
import { definitionOf, reviewDueAt, toPlaybookDto, toVersionDto } from './crisis-dto.js'

// Playbooks: prepared responses. Reading needs crisis:read, changing crisis:write. Every change
// (PATCH) stores a new version; incidents point at the version they were opened from, so a
// later edit never rewrites an incident's checklist.

export interface PlaybooksDeps {
  repo: CrisisRepository
  brands: Pick<BrandsService, 'visible'>
  members: Pick<MembersService, 'findMany'>
  record: RecordEvent
}

const actorCols = (ctx: Ctx) => { const a = actorRef(ctx.actor); return { actorType: a.type, actorId: a.id, actorLabel: a.label } }

export function createPlaybooksService (deps: PlaybooksDeps) {
  const { repo, brands, members, record } = deps

  const event = async (ctx: Ctx, type: 'crisis_playbook.created' | 'crisis_playbook.updated' | 'crisis_playbook.deleted' | 'crisis_playbook.reviewed' | 'playbook.review_due', row: PlaybookRow, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'crisis_playbook', subjectId: row.id, brandId: null, data })

  /** A playbook the caller may see: brand-limited callers see those covering one of their brands. */
  function visibleTo (ctx: Ctx, row: PlaybookRow): boolean {
    const ids = definitionOf(row).brandIds
    if (ctx.actor.brandIds === null) return true
    return ids === null ? false : ids.some((b) => canSeeBrand(ctx.actor, b))
  }

  async function find (ctx: Ctx, id: string, lock = false): Promise<PlaybookRow> {
    const row = await repo.playbooks.findById(ctx.actor.orgId, id, ctx.db, lock ? { lock: true } : {})
    if (!row || !visibleTo(ctx, row)) throw notFound('Playbook')
    return row
  }

  /** Brands, step owners and the members named by the incident approval policy exist and are visible. */
  async function checkReferences (ctx: Ctx, d: PlaybookDefinition): Promise<void> {
    if (d.brandIds === null && ctx.actor.brandIds !== null) {
      throw new AppError('HERALD_FORBIDDEN', 'A credential limited to some brands cannot prepare a playbook for every brand; list the brands.', { errors: [{ path: 'brandIds', message: 'must list brands' }] })
    }
    for (const [i, b] of (d.brandIds ?? []).entries()) {
      try { await brands.visible(ctx, b) } catch (err) {
        if (err instanceof AppError && err.code === 'HERALD_NOT_FOUND') throw new AppError('HERALD_NOT_FOUND', 'Unknown brand.', { errors: [{ path: `brandIds/${i}`, message: 'unknown brand' }] })
        throw err
      }
    }
    const memberRefs = [
      ...d.steps.flatMap((s, i) => (s.ownerMemberId ? [{ id: s.ownerMemberId, path: `steps/${i}/ownerMemberId` }] : [])),
      ...(d.incidentApprovalPolicy?.steps ?? []).flatMap((s, i) => (s.memberIds ?? []).map((id, j) => ({ id, path: `incidentApprovalPolicy/steps/${i}/memberIds/${j}` })))
    ]
    if (memberRefs.length) {
      const found = new Set((await members.findMany(ctx, memberRefs.map((r) => r.id))).map((m) => m.id))
      const missing: FieldError[] = memberRefs.filter((r) => !found.has(r.id)).map((r) => ({ path: r.path, message: 'unknown member' }))
      if (missing.length) throw new AppError('HERALD_NOT_FOUND', 'Unknown member.', { errors: missing })
    }
  }

  return {
    find,
    visibleTo,

    async list (ctx: Ctx, q: PlaybookListQuery): Promise<Page<PlaybookDto>> {
      authorize(ctx.actor, 'crisis:read')
      const brandIds = ctx.actor.brandIds
      const conditions = [
        // Brand-limited callers: playbooks listing one of their brands.
        brandIds === null ? undefined : brandIds.length ? sql`${crisisPlaybooks.definition}->'brandIds' ?| array[${sql.join(brandIds.map((b) => sql`${b}`), sql`, `)}]::text[]` : sql`false`,
        q.brandId ? sql`(${crisisPlaybooks.definition}->'brandIds' = 'null'::jsonb OR ${crisisPlaybooks.definition}->'brandIds' ? ${q.brandId})` : undefined,
        q.reviewDue ? sql`(${reviewDueSql()} <= now()) = ${q.reviewDue === 'true'}` : undefined
      ].filter((c) => c !== undefined)
      const page = await repo.playbooks.list(ctx.actor.orgId, q, conditions.length ? sql.join(conditions, sql` AND `) : undefined, ctx.db)
      return { ...page, data: page.data.map((r) => toPlaybookDto(r)) }
    },

    async get (ctx: Ctx, id: string): Promise<PlaybookDto> {
      authorize(ctx.actor, 'crisis:read')
      return toPlaybookDto(await find(ctx, id))
    },

    async create (ctx: Ctx, input: CreatePlaybookInput): Promise<PlaybookDto> {
      authorize(ctx.actor, 'crisis:write')
      await checkReferences(ctx, input)
      const row = await repo.playbooks.insert(ctx.actor.orgId, input, actorCols(ctx), ctx.db)
      const dto = toPlaybookDto(row)
      await event(ctx, 'crisis_playbook.created', row, { playbook: dto })
      return dto
    },

    /** The patch over the current definition, validated whole, stored as the next version. */
    async update (ctx: Ctx, id: string, patch: UpdatePlaybookInput, expected?: number | '*'): Promise<PlaybookDto> {
      authorize(ctx.actor, 'crisis:write')
      const current = await find(ctx, id, true)
      checkVersion(expected, current.version)
      const merged = PlaybookDefinition.safeParse({ ...definitionOf(current), ...patch })
      if (!merged.success) {
        throw new AppError('HERALD_VALIDATION', 'The playbook after this change is not valid.', { errors: merged.error.issues.map((i) => ({ path: i.path.join('/'), message: i.message })) })
      }
      await checkReferences(ctx, merged.data)
      const row = await repo.playbooks.update(ctx.actor.orgId, id, current.version, { name: merged.data.name, definition: merged.data }, ctx.db)
      if (!row) throw preconditionFailed(current.version + 1)
      await repo.playbooks.saveVersion(ctx.actor.orgId, row, actorCols(ctx), ctx.db)
      const dto = toPlaybookDto(row)
      await event(ctx, 'crisis_playbook.updated', row, { playbook: dto, changed: Object.keys(patch), previousVersion: current.version })
      return dto
    },

    /** A playbook that opened incidents is kept (they point at its versions): 409. */
    async remove (ctx: Ctx, id: string, expected?: number | '*'): Promise<void> {
      authorize(ctx.actor, 'crisis:write')
      const current = await find(ctx, id, true)
      checkVersion(expected, current.version)
      if (await repo.playbooks.hasIncidents(ctx.actor.orgId, id, ctx.db)) {
        throw new AppError('HERALD_IN_USE', 'This playbook opened incidents, which keep the version they were opened from; it cannot be deleted.')
      }
      if (!await repo.playbooks.delete(ctx.actor.orgId, id, current.version, ctx.db)) throw preconditionFailed(current.version + 1)
      await event(ctx, 'crisis_playbook.deleted', current, { playbookId: id, name: current.name })
    },

    /** Records a review: the cadence counts again from now. Not a new version (nothing changed). */
    async review (ctx: Ctx, id: string): Promise<PlaybookDto> {
      authorize(ctx.actor, 'crisis:write')
      const current = await find(ctx, id, true)
      const row = await repo.playbooks.markReviewed(ctx.actor.orgId, id, ctx.db)
      const dto = toPlaybookDto(row)
      await event(ctx, 'crisis_playbook.reviewed', row, { playbookId: id, version: current.version, reviewDueAt: dto.reviewDueAt })
      return dto
    },

    async versions (ctx: Ctx, id: string): Promise<PlaybookVersionDto[]> {
      authorize(ctx.actor, 'crisis:read')
      const [, rows] = await together(find(ctx, id), repo.playbooks.versions(ctx.actor.orgId, id, ctx.db))
      return rows.map(toVersionDto)
    },

    async version (ctx: Ctx, id: string, version: number): Promise<PlaybookVersionDto> {
      authorize(ctx.actor, 'crisis:read')
      const [, row] = await together(find(ctx, id), repo.playbooks.version(ctx.actor.orgId, id, version, ctx.db))
      if (!row) throw notFound('Playbook version')
      return toVersionDto(row)
    },

    /**
     * The system actor's timer: playbook.review_due for each of these playbooks whose review
     * is due, once per period (a claim on the playbook row, so several workers announce once).
     */
    async announceReviewDue (ctx: Ctx, ids: readonly string[], now = new Date()): Promise<string[]> {
      const announced: string[] = []
      for (const row of await repo.playbooks.findByIds(ctx.actor.orgId, ids, ctx.db)) {
        const due = reviewDueAt(row)
        if (due.getTime() > now.getTime()) continue
        if (!await repo.playbooks.markReviewAnnounced(ctx.actor.orgId, row.id, due, ctx.db)) continue
        await event(ctx, 'playbook.review_due', row, { playbookId: row.id, name: row.name, reviewedAt: row.reviewedAt.toISOString(), reviewDueAt: due.toISOString() })
        announced.push(row.id)
      }
      return announced
    }
  }
}
export type PlaybooksService = ReturnType<typeof createPlaybooksService>
