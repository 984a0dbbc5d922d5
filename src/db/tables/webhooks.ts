import { boolean, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'
import { events } from './events.js'

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export const webhookDeliveryStatusEnum = pgEnum('webhook_delivery_status', WEBHOOK_DELIVERY_STATUSES)

/**
 * A webhook subscription: where to send which events. The signing secret is kept in clear
 * because Herald must sign with it (an HMAC key cannot be stored as a hash); it never leaves
 * the API after the response that created or rotated it. During a rotation the previous secret
 * keeps signing until previousSecretExpiresAt.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  url: text().notNull(),
  /** Exact names (`content_item.approved`) or a family (`content_item.*`). */
  eventTypes: text().array().notNull(),
  /** Only this brand's events when set; a brand's deletion removes its subscriptions. */
  brandId: uuid().references(() => brands.id, { onDelete: 'cascade' }),
  description: text(),
  enabled: boolean().notNull().default(true),
  /** Why Herald disabled it (410 Gone, sustained failure); null when enabled or disabled by hand. */
  disabledReason: text(),
  disabledAt: instant(),
  secret: text().notNull(),
  previousSecret: text(),
  previousSecretExpiresAt: instant(),
  /** The brands the creating credential could see (null: all): events outside them are never sent. */
  creatorBrandIds: uuid().array(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('webhook_subscriptions_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('webhook_subscriptions_brand_idx').on(t.brandId)
])

/** One event owed to one subscription: at most one row per (subscription, event). */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  subscriptionId: uuid().notNull().references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
  eventId: uuid().notNull().references(() => events.id, { onDelete: 'cascade' }),
  eventType: text().notNull(),
  status: webhookDeliveryStatusEnum().notNull().default('pending'),
  attempts: integer().notNull().default(0),
  nextAttemptAt: instant(),
  lastAttemptAt: instant(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('webhook_deliveries_subscription_event_key').on(t.subscriptionId, t.eventId),
  index('webhook_deliveries_org_subscription_idx').on(t.organizationId, t.subscriptionId, t.createdAt, t.id),
  index('webhook_deliveries_event_idx').on(t.eventId)
])

/** Every try of a delivery: what the receiver answered (at most the start of its body), or the error. */
export const webhookAttempts = pgTable('webhook_attempts', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  deliveryId: uuid().notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
  subscriptionId: uuid().notNull().references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
  eventId: uuid().notNull(),
  attemptNumber: integer().notNull(),
  startedAt: instant().notNull(),
  durationMs: integer().notNull(),
  statusCode: integer(),
  /** At most the first 1 KB of the receiver's answer, as text. */
  responseBody: text(),
  /** null on a 2xx; otherwise a stable class (http_status, timeout, refused_address, …) and message. */
  errorClass: text(),
  error: text(),
  createdAt: createdAt()
}, (t) => [
  index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptNumber),
  index('webhook_attempts_org_subscription_idx').on(t.organizationId, t.subscriptionId, t.createdAt, t.id),
  index('webhook_attempts_org_event_idx').on(t.organizationId, t.eventId),
  index('webhook_attempts_subscription_idx').on(t.subscriptionId)
])
