import { z } from 'zod'
import { WEBHOOK_DELIVERY_STATUSES } from '../../db/tables/webhooks.js'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

/** An exact event type (`content_item.approved`) or a family (`content_item.*`). */
export const EVENT_TYPE_FILTER = /^[a-z0-9_]+(\.[a-z0-9_]+)*\.(\*|[a-z0-9_]+)$/

export const WebhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  /** Only this brand's events; null: every brand the creator could see. */
  brandId: z.uuid().nullable(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Why Herald disabled it (`gone`: the receiver answered 410; `failing`: sustained failure). */
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  /** Until when the previous secret still signs (after a rotation); null otherwise. */
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int()
})
export type WebhookDto = z.infer<typeof WebhookSchema>

export const CreatedWebhookSchema = WebhookSchema.extend({ secret: z.string() })
export type CreatedWebhookDto = z.infer<typeof CreatedWebhookSchema>

const url = z.string().trim().min(1).max(2048)
const eventTypes = z.array(z.string().max(100).regex(EVENT_TYPE_FILTER, 'must be an event type such as content_item.approved, or a family such as content_item.*'))
  .min(1).max(100).refine((a) => new Set(a).size === a.length, { message: 'must not repeat an event type' })
const description = text(500).nullable()

export const CreateWebhookBody = z.strictObject({
  url,
  eventTypes,
  brandId: z.uuid().nullable().optional(),
  description: description.optional(),
  enabled: z.boolean().optional()
})
export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>

export const UpdateWebhookBody = z.strictObject({
  url: url.optional(),
  eventTypes: eventTypes.optional(),
  brandId: z.uuid().nullable().optional(),
  description: description.optional(),
  enabled: z.boolean().optional()
}).refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field' })
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookBody>

export const RotateSecretBody = z.strictObject({
  /** How long the previous secret keeps signing; the server default (24 h) when absent. */
  overlapHours: z.number().min(0).max(720).optional()
})
export type RotateSecretInput = z.infer<typeof RotateSecretBody>

export const WebhookListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt'),
  enabled: z.enum(['true', 'false']).optional(),
  brandId: z.uuid().optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type WebhookListQuery = z.infer<typeof WebhookListQuery>

export const AttemptSchema = z.object({
  id: z.uuid(),
  deliveryId: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.uuid(),
  attemptNumber: z.number().int(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  /** At most the first 1 KB of what the receiver answered. */
  responseBody: z.string().nullable(),
  errorClass: z.string().nullable(),
  error: z.string().nullable()
})
export type AttemptDto = z.infer<typeof AttemptSchema>

export const DeliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  lastAttempt: AttemptSchema.nullable()
})
export type DeliveryDto = z.infer<typeof DeliverySchema>

export const DeliveryListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt'),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  eventId: z.uuid().optional()
})
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>

export const AttemptListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt')
})
export type AttemptListQuery = z.infer<typeof AttemptListQuery>

export const DeliveryParams = z.strictObject({ id: z.uuid(), deliveryId: z.uuid() })

export const EventTypeSchema = z.object({
  type: z.string(),
  description: z.string(),
  /** JSON Schema (2020-12) of the envelope's `data`. */
  dataSchema: z.record(z.string(), z.unknown()),
  /** A complete envelope as a receiver gets it. */
  example: z.record(z.string(), z.unknown())
})
export type EventTypeDto = z.infer<typeof EventTypeSchema>
export const EventTypeList = z.object({ data: z.array(EventTypeSchema) })
