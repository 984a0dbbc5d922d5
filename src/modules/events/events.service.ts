import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import type { EventsRepository, EventRow } from './events.repository.js'
import type { AuditEventDto, AuditListQuery, EventDto, EventListQuery } from './events.schemas.js'

export interface EventInput {
  type: string
  subjectType: string
  subjectId: string
  /** The brand the change concerns; null or absent for organization-level events. */
  brandId?: string | null
  data: Record<string, unknown>
}

/** Writes an event in the caller's transaction: the change and its event commit together. */
export type RecordEvent = (ctx: Ctx, event: EventInput) => Promise<void>

export const toEventDto = (r: EventRow): EventDto => ({
  id: r.id, type: r.type, subjectType: r.subjectType, subjectId: r.subjectId, brandId: r.brandId, data: r.data as Record<string, unknown>, createdAt: iso(r.createdAt)!
})

export const toAuditDto = (r: EventRow): AuditEventDto => ({
  id: r.id,
  action: r.type,
  subjectType: r.subjectType,
  subjectId: r.subjectId,
  brandId: r.brandId,
  actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
  requestId: r.requestId,
  data: r.data as Record<string, unknown>,
  createdAt: iso(r.createdAt)!
})

function checkRange (q: { createdAtFrom?: string, createdAtTo?: string }) {
  if (q.createdAtFrom && q.createdAtTo && new Date(q.createdAtFrom) > new Date(q.createdAtTo)) {
    throw new AppError('HERALD_VALIDATION', 'createdAtFrom must not be after createdAtTo.', { errors: [{ path: 'createdAtFrom', message: 'after createdAtTo' }] })
  }
}

export function createEventsService (repo: Pick<EventsRepository, 'insert' | 'list'>) {
  const record: RecordEvent = async (ctx, event) => {
    await repo.insert(ctx.actor.orgId, {
      ...event,
      brandId: event.brandId ?? null,
      actorType: ctx.actor.kind,
      actorId: ctx.actor.id,
      actorLabel: ctx.actor.label,
      requestId: ctx.requestId
    }, ctx.db)
  }

  return {
    record,

    async list (ctx: Ctx, q: EventListQuery) {
      authorize(ctx.actor, 'events:read')
      checkRange(q)
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toEventDto) }
    },

    async listAudit (ctx: Ctx, q: AuditListQuery) {
      authorize(ctx.actor, 'audit:read')
      checkRange(q)
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toAuditDto) }
    }
  }
}
export type EventsService = ReturnType<typeof createEventsService>
