import { and, eq } from 'drizzle-orm'
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
