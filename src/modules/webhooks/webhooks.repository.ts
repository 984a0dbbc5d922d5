import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { deferWrite, versionedRows } from '../../db/tenant-rows.js'
import { andAll, keyset, parseSort, toPage, type CursorCodec } from '../../lib/pagination.js'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../db/tables/webhooks.js'
import type { AttemptListQuery, DeliveryListQuery, WebhookListQuery } from './webhooks.schemas.js'

export type WebhookRow = typeof webhookSubscriptions.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type AttemptRow = typeof webhookAttempts.$inferSelect
export type NewAttempt = Omit<typeof webhookAttempts.$inferInsert, 'id' | 'organizationId' | 'createdAt' | 'attemptNumber'>

export function createWebhooksRepository (codec: CursorCodec) {
  return {
    ...versionedRows(webhookSubscriptions),

    async list (orgId: string, q: WebhookListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: webhookSubscriptions.createdAt }, idColumn: webhookSubscriptions.id, cursor: q.cursor, limit: q.limit, codec }
      const page = keyset(args)
      const rows = await db.select().from(webhookSubscriptions).where(andAll(
        eq(webhookSubscriptions.organizationId, orgId),
        q.enabled ? eq(webhookSubscriptions.enabled, q.enabled === 'true') : undefined,
        q.brandId ? eq(webhookSubscriptions.brandId, q.brandId) : undefined,
        // A brand-limited caller sees the subscriptions of its brands only.
        onlyBrandIds ? (onlyBrandIds.length ? inArray(webhookSubscriptions.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args)
    },

    async insert (orgId: string, v: Omit<typeof webhookSubscriptions.$inferInsert, 'organizationId' | 'id'>, db: Database): Promise<WebhookRow> {
      const [row] = await db.insert(webhookSubscriptions).values({ ...v, organizationId: orgId }).returning()
      return row
    },

    /**
     * A delivery owed for an event written in the same transaction: deferred like the event
     * (and after it), so the foreign key holds when both arrive. A second one for the same
     * (subscription, event) is ignored.
     */
    async insertDeliveryDeferred (orgId: string, v: { id: string, subscriptionId: string, eventId: string, eventType: string }, db: Database): Promise<void> {
      await deferWrite(db, db.insert(webhookDeliveries).values({ ...v, organizationId: orgId }).onConflictDoNothing())
    },

    async findDelivery (orgId: string, subscriptionId: string, deliveryId: string, db: Database): Promise<DeliveryRow | undefined> {
      const [row] = await db.select().from(webhookDeliveries).where(and(
        eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.subscriptionId, subscriptionId), eq(webhookDeliveries.id, deliveryId)))
      return row
    },

    async findDeliveryById (orgId: string, deliveryId: string, db: Database): Promise<DeliveryRow | undefined> {
      const [row] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, deliveryId)))
      return row
    },

    async listDeliveries (orgId: string, subscriptionId: string, q: DeliveryListQuery, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: webhookDeliveries.createdAt }, idColumn: webhookDeliveries.id, cursor: q.cursor, limit: q.limit, codec }
      const page = keyset(args)
      const rows = await db.select().from(webhookDeliveries).where(andAll(
        eq(webhookDeliveries.organizationId, orgId),
        eq(webhookDeliveries.subscriptionId, subscriptionId),
        q.status ? eq(webhookDeliveries.status, q.status) : undefined,
        q.eventId ? eq(webhookDeliveries.eventId, q.eventId) : undefined,
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args)
    },

    /** The latest attempt of each delivery, in one statement. */
    async lastAttempts (orgId: string, deliveryIds: readonly string[], db: Database): Promise<Map<string, AttemptRow>> {
      if (deliveryIds.length === 0) return new Map()
      const rows = await db.selectDistinctOn([webhookAttempts.deliveryId]).from(webhookAttempts)
        .where(and(eq(webhookAttempts.organizationId, orgId), inArray(webhookAttempts.deliveryId, [...deliveryIds])))
        .orderBy(webhookAttempts.deliveryId, desc(webhookAttempts.attemptNumber))
      return new Map(rows.map((r) => [r.deliveryId, r]))
    },

    async listAttempts (orgId: string, deliveryId: string, q: AttemptListQuery, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: webhookAttempts.createdAt }, idColumn: webhookAttempts.id, cursor: q.cursor, limit: q.limit, codec }
      const page = keyset(args)
      const rows = await db.select().from(webhookAttempts).where(andAll(
        eq(webhookAttempts.organizationId, orgId),
        eq(webhookAttempts.deliveryId, deliveryId),
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args)
    },

    /** Puts a delivery back in the queue (redelivery by hand). */
    async markPending (orgId: string, deliveryId: string, db: Database): Promise<DeliveryRow | undefined> {
      const [row] = await db.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: sql`now()` })
        .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, deliveryId))).returning()
      return row
    },

    /** Logs one attempt and moves its delivery on; the attempt number is counted by the row. */
    async recordAttempt (orgId: string, a: NewAttempt, outcome: { status: DeliveryRow['status'], nextAttemptAt: Date | null }, db: Database): Promise<AttemptRow> {
      const [delivery] = await db.update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, status: outcome.status, lastAttemptAt: a.startedAt, nextAttemptAt: outcome.nextAttemptAt })
        .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, a.deliveryId)))
        .returning({ attempts: webhookDeliveries.attempts })
      const [row] = await db.insert(webhookAttempts).values({ ...a, organizationId: orgId, attemptNumber: delivery.attempts }).returning()
      return row
    },

    /** Herald disables a subscription (410 Gone, sustained failure); false when it already was. */
    async disable (orgId: string, id: string, reason: string, db: Database): Promise<WebhookRow | undefined> {
      const [row] = await db.update(webhookSubscriptions)
        .set({ enabled: false, disabledReason: reason, disabledAt: sql`now()`, version: sql`${webhookSubscriptions.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(webhookSubscriptions.organizationId, orgId), eq(webhookSubscriptions.id, id), eq(webhookSubscriptions.enabled, true)))
        .returning()
      return row
    }
  }
}
export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>
