import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { events } from '../../db/tables/events.js'

// Read-only: the outbox rows a delivery sends (the events module owns and writes them).

export type OutboxEvent = Pick<typeof events.$inferSelect, 'id' | 'type' | 'subjectType' | 'subjectId' | 'brandId' | 'data' | 'createdAt'>

export async function findEvent (orgId: string, eventId: string, db: Database): Promise<OutboxEvent | undefined> {
  const [row] = await db.select({
    id: events.id, type: events.type, subjectType: events.subjectType, subjectId: events.subjectId, brandId: events.brandId, data: events.data, createdAt: events.createdAt
  }).from(events).where(and(eq(events.organizationId, orgId), eq(events.id, eventId)))
  return row
}

export interface DeliveryToSend {
  deliveryId: string
  status: 'pending' | 'succeeded' | 'failed'
  attempts: number
  subscriptionId: string
  url: string
  enabled: boolean
  secret: string
  previousSecret: string | null
  previousSecretExpiresAt: Date | null
  event: OutboxEvent
}

/** Everything the attempts of these deliveries need (delivery, subscription, event), in one statement. */
export async function deliveriesToSend (orgId: string, deliveryIds: readonly string[], db: Database): Promise<Map<string, DeliveryToSend>> {
  const result = await db.execute(sql`
    SELECT d.id AS delivery_id, d.status, d.attempts, s.id AS subscription_id, s.url, s.enabled, s.secret, s.previous_secret, s.previous_secret_expires_at,
           e.id AS event_id, e.type, e.subject_type, e.subject_id, e.brand_id, e.data, e.created_at
    FROM webhook_deliveries d
    JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.organization_id = d.organization_id
    JOIN events e ON e.id = d.event_id AND e.organization_id = d.organization_id
    WHERE d.organization_id = ${orgId}::uuid AND d.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(deliveryIds)}::jsonb)::uuid)`)
  const found = new Map<string, DeliveryToSend>()
  for (const r of result.rows as Array<Record<string, any>>) {
    found.set(r.delivery_id, {
      deliveryId: r.delivery_id,
      status: r.status,
      attempts: r.attempts,
      subscriptionId: r.subscription_id,
      url: r.url,
      enabled: r.enabled,
      secret: r.secret,
      previousSecret: r.previous_secret,
      previousSecretExpiresAt: r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at) : null,
      event: { id: r.event_id, type: r.type, subjectType: r.subject_type, subjectId: r.subject_id, brandId: r.brand_id, data: r.data, createdAt: new Date(r.created_at) }
    })
  }
  return found
}
