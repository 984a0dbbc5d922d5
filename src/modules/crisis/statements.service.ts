import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import type { ApprovalRequestsService } from '../approval-requests/public.js'
import type { ContentActions, ContentItemDto, ContentItemsService } from '../content-items/public.js'
import type { RecordEvent } from '../events/public.js'
import { actorRef } from '../../lib/actor.js'
import type { CrisisRepository } from './crisis.repository.js'
import type { StatementInput } from './incidents.schemas.js'
import { definitionOf } from './crisis-dto.js'
import type { IncidentsService } from './incidents.service.js'
import type { PausesService } from './pauses.service.js'

// Holding statements: a playbook's pre-approved text for a platform becomes a content item of
// the incident's brand in one call, already approved (the approval is recorded by the
// approvals module as given in advance by the playbook, with the incident on it), optionally
// scheduled, and allowed out despite the incident's pause. Content and approvals are reached
// through their public services only.

export interface StatementsDeps {
  repo: CrisisRepository
  incidents: Pick<IncidentsService, 'find'>
  pauses: Pick<PausesService, 'allow'>
  content: Pick<ContentItemsService, 'create'> & Pick<ContentActions, 'schedule'>
  approvals: Pick<ApprovalRequestsService, 'preApprove'>
  record: RecordEvent
}

export function createStatementsService (deps: StatementsDeps) {
  const { repo, incidents, pauses, content, approvals, record } = deps

  return {
    async create (ctx: Ctx, incidentId: string, input: StatementInput): Promise<ContentItemDto> {
      authorize(ctx.actor, 'incidents:write')
      authorize(ctx.actor, 'content:write')
      const incident = await incidents.find(ctx, incidentId, true)
      if (incident.status === 'resolved') throw new AppError('HERALD_ILLEGAL_TRANSITION', 'This incident is resolved; it can no longer change.', { extra: { currentStatus: 'resolved', allowed: [] } })
      const version = await repo.playbooks.version(ctx.actor.orgId, incident.playbookId, incident.playbookVersion, ctx.db)
      const d = version ? definitionOf(version) : null
      const statement = d?.holdingStatements.find((s) => s.platform === input.platform)
      if (!d || !statement) {
        throw new AppError('HERALD_UNPROCESSABLE', `The playbook has no holding statement for ${input.platform}.`, { errors: [{ path: 'platform', message: 'no holding statement for this platform' }] })
      }
      const item = await content.create(ctx, {
        brandId: incident.brandId,
        title: `Holding statement (${input.platform}): ${d.name}`.slice(0, 200),
        kind: 'post',
        body: statement.body,
        labels: ['crisis'],
        targets: input.socialAccountIds.map((socialAccountId) => ({ socialAccountId }))
      })
      const reference = { incidentId, playbookId: incident.playbookId, playbookVersion: incident.playbookVersion }
      let out = await approvals.preApprove(ctx, item, { name: `Crisis playbook "${d.name}" v${incident.playbookVersion}: pre-approved holding statement`, reference })
      if (incident.pauseId) await pauses.allow(ctx, incident.pauseId, item.id)
      if (input.scheduledAt) out = await content.schedule(ctx, item.id, { scheduledAt: input.scheduledAt })
      const a = actorRef(ctx.actor)
      await repo.incidents.addEntry(ctx.actor.orgId, incidentId, { kind: 'statement_created', data: { contentItemId: item.id, platform: input.platform, scheduledAt: out.scheduledAt }, actorType: a.type, actorId: a.id, actorLabel: a.label }, ctx.db)
      await record(ctx, { type: 'incident.statement_created', subjectType: 'incident', subjectId: incidentId, brandId: incident.brandId, data: { ...reference, contentItemId: item.id, platform: input.platform, status: out.status, scheduledAt: out.scheduledAt } })
      return out
    }
  }
}
export type StatementsService = ReturnType<typeof createStatementsService>
