// The webhooks module's rows as its API shows them (REST and GraphQL alike).
import { iso } from '../../lib/http.js'
import type { AttemptRow, DeliveryRow, WebhookRow } from './webhooks.repository.js'
import type { AttemptDto, DeliveryDto, WebhookDto } from './webhooks.schemas.js'

/** A webhook event's subject: the subscription (and its brand filter). */
export const webhookSubject = (row: WebhookRow) => ({ subjectType: 'webhook', subjectId: row.id, brandId: row.brandId })

export const toWebhookDto = (r: WebhookRow): WebhookDto => ({
  id: r.id,
  url: r.url,
  eventTypes: r.eventTypes,
  brandId: r.brandId,
  description: r.description,
  enabled: r.enabled,
  disabledReason: r.disabledReason,
  disabledAt: iso(r.disabledAt),
  previousSecretExpiresAt: r.previousSecret && r.previousSecretExpiresAt && r.previousSecretExpiresAt > new Date() ? iso(r.previousSecretExpiresAt) : null,
  createdAt: iso(r.createdAt)!,
  updatedAt: iso(r.updatedAt)!,
  version: r.version
})

export const toAttemptDto = (a: AttemptRow): AttemptDto => ({
  id: a.id,
  deliveryId: a.deliveryId,
  webhookId: a.subscriptionId,
  eventId: a.eventId,
  attemptNumber: a.attemptNumber,
  startedAt: iso(a.startedAt)!,
  durationMs: a.durationMs,
  statusCode: a.statusCode,
  responseBody: a.responseBody,
  errorClass: a.errorClass,
  error: a.error
})

export const toDeliveryDto = (d: DeliveryRow, last: AttemptRow | undefined): DeliveryDto => ({
  id: d.id,
  webhookId: d.subscriptionId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: iso(d.nextAttemptAt),
  lastAttemptAt: iso(d.lastAttemptAt),
  createdAt: iso(d.createdAt)!,
  lastAttempt: last ? toAttemptDto(last) : null
})
