import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { ActorRef } from '../../lib/schemas.js'
import { createdRange, rangesInOrder } from '../../lib/time-range.js'

export const EventSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  subjectType: z.string(),
  subjectId: z.uuid(),
  /** The brand the event concerns; null for organization-level events. */
  brandId: z.uuid().nullable(),
  /** Who acted: a member, an API key, a guest link, or the system (label: see GET /v1/events). */
  actor: ActorRef,
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string()
})
export type EventDto = z.infer<typeof EventSchema>

export const AuditEventSchema = z.object({
  id: z.uuid(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.uuid(),
  brandId: z.uuid().nullable(),
  actor: z.object({ type: z.enum(['member', 'api_key', 'guest', 'system']), id: z.uuid().nullable(), label: z.string().nullable() }),
  requestId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string()
})
export type AuditEventDto = z.infer<typeof AuditEventSchema>

const eventFilters = {
  ...pageParams(['createdAt'], '-createdAt'),
  type: z.string().max(100).optional(),
  subjectId: z.uuid().optional(),
  brandId: z.uuid().optional(),
  // Events are never changed: only when they were created bounds them.
  ...createdRange
}

export const EventListQuery = z.strictObject(eventFilters).superRefine(rangesInOrder)
export type EventListQuery = z.infer<typeof EventListQuery>

export const AuditListQuery = z.strictObject({
  ...eventFilters,
  actorId: z.uuid().optional()
}).superRefine(rangesInOrder)
export type AuditListQuery = z.infer<typeof AuditListQuery>
