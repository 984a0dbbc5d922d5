import { actorRef, authorize, type Actor } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import type { Page } from '../../lib/pagination.js'
import type { incidents } from '../../db/tables/crisis.js'
import type { BrandsService } from '../brands/public.js'
import type { MembersService } from '../members/public.js'
import type { RecordEvent } from '../events/public.js'
import type { ApprovalPoliciesService } from '../approval-policies/public.js'
import type { CrisisRepository, IncidentRow } from './crisis.repository.js'
import type { ActivateInput } from './playbooks.schemas.js'
import type { EntryDto, IncidentDto, IncidentListQuery, TimelineQuery, UpdateIncidentInput } from './incidents.schemas.js'
import { definitionOf, toEntryDto, toIncidentDto } from './crisis-dto.js'
import type { PlaybooksService } from './playbooks.service.js'
import type { PausesService } from './pauses.service.js'

// Incidents: opened by activating a playbook for a brand (a person, a key with incidents:write,
// or a metric trigger as the system actor), worked through a checklist and a timeline, resolved
// with a summary. Everything an incident does is one transaction with its events.

export interface IncidentsDeps {
  repo: CrisisRepository
  playbooks: Pick<PlaybooksService, 'find'>
  pauses: Pick<PausesService, 'pause' | 'resumeForIncident'>
  brands: Pick<BrandsService, 'visible'>
  members: Pick<MembersService, 'assertFit'>
  policies: Pick<ApprovalPoliciesService, 'startOverride' | 'endOverride'>
  record: RecordEvent
}

type IncidentEvent = 'incident.opened' | 'incident.acknowledged' | 'incident.updated' | 'incident.step_completed' | 'incident.step_overdue' | 'incident.note_added' | 'incident.resolved'

const actorCols = (ctx: Ctx) => { const a = actorRef(ctx.actor); return { actorType: a.type, actorId: a.id, actorLabel: a.label } }

/** Clients read an incident only when its playbook informs them; everyone else by brand grant. */
const informedOnly = (actor: Actor) => actor.kind === 'member' && actor.role === 'client'

function canSee (actor: Actor, row: IncidentRow): boolean {
  if (actor.brandIds !== null && !actor.brandIds.includes(row.brandId)) return false
  return !(informedOnly(actor) && !row.informClients)
}

export function createIncidentsService (deps: IncidentsDeps) {
  const { repo, playbooks, pauses, brands, members, policies, record } = deps

  /** The approvals module's override that an incident puts in force for its brand. */
  const overrideSource = (incidentId: string) => ({ sourceType: 'incident', sourceId: incidentId })

  const event = async (ctx: Ctx, type: IncidentEvent, row: IncidentRow, data: Record<string, unknown>) =>
    await record(ctx, { type, subjectType: 'incident', subjectId: row.id, brandId: row.brandId, data })

  const entry = async (ctx: Ctx, incidentId: string, kind: string, body: string | null, data: Record<string, unknown> = {}) =>
    await repo.incidents.addEntry(ctx.actor.orgId, incidentId, { kind, body, data, ...actorCols(ctx) }, ctx.db)

  async function find (ctx: Ctx, id: string, lock = false): Promise<IncidentRow> {
    const row = await repo.incidents.findById(ctx.actor.orgId, id, ctx.db, lock ? { lock: true } : {})
    if (!row || !canSee(ctx.actor, row)) throw notFound('Incident')
    return row
  }

  async function dto (ctx: Ctx, row: IncidentRow): Promise<IncidentDto> {
    return toIncidentDto(row, await repo.incidents.stepsOf(ctx.actor.orgId, [row.id], ctx.db))
  }

  async function dtos (ctx: Ctx, rows: readonly IncidentRow[]): Promise<IncidentDto[]> {
    const steps = await repo.incidents.stepsOf(ctx.actor.orgId, rows.map((r) => r.id), ctx.db)
    return rows.map((r) => toIncidentDto(r, steps.filter((s) => s.incidentId === r.id)))
  }

  async function open (ctx: Ctx, row: IncidentRow): Promise<IncidentRow> {
    if (row.status === 'resolved') throw new AppError('HERALD_ILLEGAL_TRANSITION', 'This incident is resolved; it can no longer change.', { extra: { currentStatus: 'resolved', allowed: [] } })
    return row
  }

  async function commanderFit (ctx: Ctx, brandId: string, commanderId: string): Promise<void> {
    await members.assertFit(ctx, brandId, [{ id: commanderId, path: 'commanderId' }])
  }

  async function save (ctx: Ctx, row: IncidentRow, patch: Partial<typeof incidents.$inferInsert>): Promise<IncidentRow> {
    const updated = await repo.incidents.update(ctx.actor.orgId, row.id, row.version, patch, ctx.db)
    if (!updated) throw preconditionFailed(row.version + 1)
    return updated
  }

  return {
    find,
    dtos,
    /** Who sees which incidents (for lists and reports). */
    visibility: (actor: Actor) => ({ brandIds: actor.brandIds, informedOnly: informedOnly(actor) }),

    /**
     * Opens an incident of a playbook for a brand, in the caller's transaction: the incident,
     * its checklist, the pause (when the playbook pauses publishing), the timeline and
     * incident.opened commit together or not at all. If one is open already for this playbook
     * and brand, that one is returned (opened: false) and nothing else happens.
     */
    async activate (ctx: Ctx, playbookId: string, input: ActivateInput, openedBy: 'manual' | 'metric' = 'manual'): Promise<IncidentDto & { opened: boolean }> {
      authorize(ctx.actor, 'incidents:write')
      const playbook = await playbooks.find(ctx, playbookId)
      const d = definitionOf(playbook)
      await brands.visible(ctx, input.brandId)
      if (d.brandIds !== null && !d.brandIds.includes(input.brandId)) {
        throw new AppError('HERALD_UNPROCESSABLE', 'This playbook does not cover this brand.', { errors: [{ path: 'brandId', message: 'not a brand of the playbook' }] })
      }
      if (!d.severityLevels.some((l) => l.level === input.severity)) {
        throw new AppError('HERALD_UNPROCESSABLE', `severity must be one of the playbook's levels: ${d.severityLevels.map((l) => l.level).join(', ')}.`, { errors: [{ path: 'severity', message: 'not a severity level of the playbook' }] })
      }
      if (openedBy === 'manual' && !d.triggers.manual) {
        throw new AppError('HERALD_UNPROCESSABLE', 'This playbook is activated only by its metric triggers.', { errors: [{ path: 'playbookId', message: 'manual activation is off' }] })
      }
      const existing = await repo.incidents.findOpen(ctx.actor.orgId, playbookId, input.brandId, ctx.db)
      if (existing) return { ...await dto(ctx, existing), opened: false }
      const commanderId = input.commanderId ?? (ctx.actor.kind === 'member' ? ctx.actor.id : null)
      if (commanderId) await commanderFit(ctx, input.brandId, commanderId)
      const row = await repo.incidents.insertIfNoneOpen(ctx.actor.orgId, {
        brandId: input.brandId,
        playbookId,
        playbookVersion: playbook.version,
        severity: input.severity,
        commanderId,
        openedBy,
        openedByLabel: ctx.actor.label,
        informClients: d.informClients
      }, ctx.db)
      if (!row) {
        // Another activation won the race (its transaction committed first): return that one.
        const winner = await repo.incidents.findOpen(ctx.actor.orgId, playbookId, input.brandId, ctx.db)
        if (!winner) throw new AppError('HERALD_CONFLICT', 'An incident of this playbook and brand is being opened; retry.')
        return { ...await dto(ctx, winner), opened: false }
      }
      const openedAt = row.createdAt.getTime()
      await repo.incidents.insertSteps(ctx.actor.orgId, d.steps.map((s, i) => ({
        incidentId: row.id,
        position: i + 1,
        title: s.title,
        instructions: s.instructions,
        ownerRole: s.ownerRole ?? null,
        ownerMemberId: s.ownerMemberId ?? null,
        responseTargetMinutes: s.responseTargetMinutes,
        dueAt: new Date(openedAt + s.responseTargetMinutes * 60_000)
      })), ctx.db)
      await entry(ctx, row.id, 'opened', input.note ?? null, { playbookId, playbookVersion: playbook.version, severity: input.severity, commanderId, openedBy })
      let current = row
      if (d.pausePublishing) {
        const pause = await pauses.pause(ctx, input.brandId, { reason: `Incident: ${d.name}`, onResume: d.onResolve, dryRun: false }, row.id)
        current = await save(ctx, row, { pauseId: pause.id })
        await entry(ctx, row.id, 'paused', null, { pauseId: pause.id, heldItemIds: pause.heldItemIds })
      }
      // The stricter approval policy, for the brand's new requests until resolution (open ones keep theirs).
      let override = null
      if (d.incidentApprovalPolicy) {
        override = await policies.startOverride(ctx, input.brandId, overrideSource(row.id), d.incidentApprovalPolicy)
        await entry(ctx, row.id, 'approval_policy_switched', null, { overrideId: override.id, name: override.name, steps: override.steps })
      }
      const out = await dto(ctx, current)
      await event(ctx, 'incident.opened', current, { incident: out, playbookName: d.name, approvalPolicyOverride: override ? { id: override.id, name: override.name, steps: override.steps } : null })
      return { ...out, opened: true }
    },

    async list (ctx: Ctx, q: IncidentListQuery): Promise<Page<IncidentDto>> {
      authorize(ctx.actor, 'incidents:read')
      const page = await repo.incidents.list(ctx.actor.orgId, q, { brandIds: ctx.actor.brandIds, informedOnly: informedOnly(ctx.actor) }, ctx.db)
      return { ...page, data: await dtos(ctx, page.data) }
    },

    async get (ctx: Ctx, id: string): Promise<IncidentDto> {
      authorize(ctx.actor, 'incidents:read')
      return await dto(ctx, await find(ctx, id))
    },

    async update (ctx: Ctx, id: string, patch: UpdateIncidentInput, expected?: number | '*'): Promise<IncidentDto> {
      authorize(ctx.actor, 'incidents:write')
      const current = await open(ctx, await find(ctx, id, true))
      checkVersion(expected, current.version)
      if (patch.commanderId) await commanderFit(ctx, current.brandId, patch.commanderId)
      if (patch.severity) {
        const version = await repo.playbooks.version(ctx.actor.orgId, current.playbookId, current.playbookVersion, ctx.db)
        const levels = version ? definitionOf(version).severityLevels.map((l) => l.level) : []
        if (!levels.includes(patch.severity)) {
          throw new AppError('HERALD_UNPROCESSABLE', `severity must be one of the playbook's levels: ${levels.join(', ')}.`, { errors: [{ path: 'severity', message: 'not a severity level of the playbook' }] })
        }
      }
      const row = await save(ctx, current, patch)
      const changes: Record<string, { from: unknown, to: unknown }> = {}
      for (const k of Object.keys(patch) as Array<keyof UpdateIncidentInput>) {
        if (current[k] !== row[k]) changes[k] = { from: current[k], to: row[k] }
      }
      if (changes.commanderId) await entry(ctx, id, 'commander_assigned', null, changes.commanderId)
      if (changes.status) await entry(ctx, id, 'status_changed', null, changes.status)
      if (changes.severity) await entry(ctx, id, 'severity_changed', null, changes.severity)
      const out = await dto(ctx, row)
      if (Object.keys(changes).length) await event(ctx, 'incident.updated', row, { incident: out, changes })
      return out
    },

    /** The first acknowledgement counts (time to acknowledge); later ones change nothing. */
    async acknowledge (ctx: Ctx, id: string): Promise<IncidentDto> {
      authorize(ctx.actor, 'incidents:write')
      const current = await open(ctx, await find(ctx, id, true))
      if (current.acknowledgedAt) return await dto(ctx, current)
      const row = await save(ctx, current, { acknowledgedAt: new Date(), acknowledgedByLabel: ctx.actor.label })
      await entry(ctx, id, 'acknowledged', null, {})
      const out = await dto(ctx, row)
      await event(ctx, 'incident.acknowledged', row, { incident: out, timeToAcknowledgeSeconds: Math.round((row.acknowledgedAt!.getTime() - row.createdAt.getTime()) / 1000) })
      return out
    },

    async completeStep (ctx: Ctx, id: string, stepId: string): Promise<IncidentDto> {
      authorize(ctx.actor, 'incidents:write')
      const current = await open(ctx, await find(ctx, id, true))
      const steps = await repo.incidents.stepsOf(ctx.actor.orgId, [id], ctx.db)
      const step = steps.find((s) => s.id === stepId)
      if (!step) throw notFound('Checklist step')
      if (step.completedAt) throw new AppError('HERALD_CONFLICT', `This step was completed at ${step.completedAt.toISOString()}.`)
      const now = new Date()
      const breached = now.getTime() > step.dueAt.getTime()
      await repo.incidents.completeStep(ctx.actor.orgId, stepId, now, breached, actorCols(ctx), ctx.db)
      await entry(ctx, id, 'step_completed', null, { stepId, position: step.position, title: step.title, breached })
      const row = await save(ctx, current, {})
      const out = await dto(ctx, row)
      await event(ctx, 'incident.step_completed', row, { incidentId: id, step: out.checklist.find((s) => s.id === stepId) })
      return out
    },

    async addNote (ctx: Ctx, id: string, body: string): Promise<EntryDto> {
      authorize(ctx.actor, 'incidents:write')
      const current = await find(ctx, id, true)
      const note = await entry(ctx, id, 'note', body)
      await event(ctx, 'incident.note_added', current, { incidentId: id, note: toEntryDto(note) })
      return toEntryDto(note)
    },

    /** One timeline entry by its id (node(id:)), with its incident's checks. */
    async entry (ctx: Ctx, id: string): Promise<EntryDto> {
      authorize(ctx.actor, 'incidents:read')
      const row = await repo.incidents.findEntry(ctx.actor.orgId, id, ctx.db)
      if (!row) throw notFound('Incident entry')
      await find(ctx, row.incidentId)
      return toEntryDto(row)
    },

    async timeline (ctx: Ctx, id: string, q: TimelineQuery): Promise<Page<EntryDto>> {
      authorize(ctx.actor, 'incidents:read')
      await find(ctx, id)
      const page = await repo.incidents.entries(ctx.actor.orgId, id, q, ctx.db)
      return { ...page, data: page.data.map(toEntryDto) }
    },

    /** Resolves with a summary; ends the incident's pause (releasing or leaving held items, as the playbook says). */
    async resolve (ctx: Ctx, id: string, summary: string): Promise<IncidentDto> {
      authorize(ctx.actor, 'incidents:write')
      const current = await open(ctx, await find(ctx, id, true))
      const playbook = await repo.playbooks.version(ctx.actor.orgId, current.playbookId, current.playbookVersion, ctx.db)
      const mode = playbook ? definitionOf(playbook).onResolve : 'release'
      const resumed = current.pauseId ? await pauses.resumeForIncident(ctx, current.pauseId, mode) : null
      const ended = await policies.endOverride(ctx, current.brandId, overrideSource(id))
      if (ended) await entry(ctx, id, 'approval_policy_restored', null, { overrideId: ended.id, name: ended.name })
      const now = new Date()
      const row = await save(ctx, current, { status: 'resolved', resolvedAt: now, summary, acknowledgedAt: current.acknowledgedAt ?? now, acknowledgedByLabel: current.acknowledgedByLabel ?? ctx.actor.label })
      await entry(ctx, id, 'resolved', summary, { releasedItemIds: resumed?.releasedItemIds ?? [], mode: resumed ? mode : null })
      const out = await dto(ctx, row)
      await event(ctx, 'incident.resolved', row, {
        incident: out,
        timeToResolveSeconds: Math.round((now.getTime() - row.createdAt.getTime()) / 1000),
        heldItemIds: resumed?.heldItemIds ?? [],
        releasedItemIds: resumed?.releasedItemIds ?? [],
        approvalPolicyOverrideEnded: ended ? { id: ended.id, name: ended.name } : null
      })
      return out
    },

    /** Timer: incident.step_overdue once per step that passed its response target undone. */
    async announceOverdueSteps (ctx: Ctx, now = new Date()): Promise<string[]> {
      const claimed = await repo.incidents.claimOverdueSteps(ctx.actor.orgId, now, ctx.db)
      if (claimed.length === 0) return []
      const rows = await repo.incidents.findByIds(ctx.actor.orgId, claimed.map((s) => s.incidentId), ctx.db)
      const announced: string[] = []
      for (const step of claimed) {
        const row = rows.find((r) => r.id === step.incidentId)
        if (!row || row.status === 'resolved') continue
        await entry(ctx, row.id, 'step_overdue', null, { stepId: step.id, position: step.position, title: step.title, dueAt: step.dueAt.toISOString() })
        await event(ctx, 'incident.step_overdue', row, { incidentId: row.id, stepId: step.id, title: step.title, position: step.position, dueAt: step.dueAt.toISOString(), responseTargetMinutes: step.responseTargetMinutes })
        announced.push(step.id)
      }
      return announced
    },

  }
}
export type IncidentsService = ReturnType<typeof createIncidentsService>
