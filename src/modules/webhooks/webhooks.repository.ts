import { and, desc, eq, sql, type SQL } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Database } from '../../db/client.js'
import { deferInsert, deferWrite, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../db/tables/webhooks.js'
import type { AttemptListQuery, DeliveryListQuery, WebhookListQuery } from './webhooks.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type WebhookRow = typeof webhookSubscriptions.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect
export type AttemptRow = typeof webhookAttempts.$inferSelect
export type NewAttempt = Omit<typeof webhookAttempts.$inferInsert, 'id' | 'organizationId' | 'createdAt' | 'attemptNumber'>

const dialect = new PgDialect()

/** A raw statement deferred like an insert (see deferWrite): it travels with the next batch or COMMIT. */
async function deferSql (db: Database, statement: SQL): Promise<void> {
  const query = dialect.sqlToQuery(statement)
  // Every value is a parameter: the text is the same on every call, so it may run prepared.
  await deferWrite(db, { toSQL: () => ({ sql: query.sql, params: query.params }), then: async (ok, ko) => await db.execute(statement).then(ok, ko) }, { prepare: true })
}

/** The job that tries a delivery once; one per delivery (its key), replaced when rescheduled. */
export const DELIVER_JOB = 'webhooks.deliver'
export const deliverJobKey = (deliveryId: string) => `webhook-delivery:${deliveryId}`

/** `content_item.approved` is matched by itself and by `content_item.*` (and `a.*`, `a.b.*` for longer names). */
function filtersMatching (type: string): string[] {
  const parts = type.split('.')
  return [type, ...parts.slice(0, -1).map((_p, i) => `${parts.slice(0, i + 1).join('.')}.*`)]
}

export function createWebhooksRepository (codec: CursorCodec) {
  return {
    /**
     * The outbox fan-out, in the transaction that records the event and deferred after it (one
     * statement, no round trip of its own): a delivery for every enabled subscription that takes
     * this event (type, brand filter, and the brands its creator could see), and the job that
     * sends each. A rollback leaves neither; a second call for the same event adds nothing.
     */
    async oweDeliveries (orgId: string, event: { id: string, type: string, brandId: string | null }, db: Database): Promise<void> {
      const filters = `{${filtersMatching(event.type).map((f) => `"${f}"`).join(',')}}`
      await deferSql(db, sql`WITH owed AS (
        INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, event_type, next_attempt_at)
        SELECT s.organization_id, s.id, ${event.id}::uuid, ${event.type}, now()
        FROM webhook_subscriptions s
        WHERE s.organization_id = ${orgId}::uuid AND s.enabled
          AND s.event_types && ${filters}::text[]
          AND (s.brand_id IS NULL OR s.brand_id = ${event.brandId}::uuid)
          AND (s.creator_brand_ids IS NULL OR ${event.brandId}::uuid = ANY (s.creator_brand_ids))
        ON CONFLICT DO NOTHING
        RETURNING id
      )
      SELECT herald_add_job(${DELIVER_JOB}, json_build_object('orgId', ${orgId}::text, 'deliveryId', owed.id), NULL, NULL, 5, 'webhook-delivery:' || owed.id, 0) FROM owed`)
    },

    /** oweDeliveries for many events of one transaction, in one deferred statement. */
    async oweDeliveriesMany (orgId: string, list: ReadonlyArray<{ id: string, type: string, brandId: string | null }>, db: Database): Promise<void> {
      if (list.length === 0) return
      const rows = JSON.stringify(list.map((e) => ({ id: e.id, type: e.type, brand_id: e.brandId, filters: filtersMatching(e.type) })))
      await deferSql(db, sql`WITH ev AS (
        SELECT * FROM ROWS FROM (json_to_recordset(${rows}::json) AS (id uuid, type text, brand_id uuid, filters text[])) WITH ORDINALITY AS e(id, type, brand_id, filters, ord)
      ), owed AS (
        INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, event_type, next_attempt_at)
        SELECT s.organization_id, s.id, ev.id, ev.type, now()
        FROM ev JOIN webhook_subscriptions s ON s.organization_id = ${orgId}::uuid AND s.enabled
          AND s.event_types && ev.filters
          AND (s.brand_id IS NULL OR s.brand_id = ev.brand_id)
          AND (s.creator_brand_ids IS NULL OR ev.brand_id = ANY (s.creator_brand_ids))
        ORDER BY ev.ord, s.id
        ON CONFLICT DO NOTHING
        RETURNING id
      )
      SELECT herald_add_job(${DELIVER_JOB}, json_build_object('orgId', ${orgId}::text, 'deliveryId', owed.id), NULL, NULL, 5, 'webhook-delivery:' || owed.id, 0) FROM owed`)
    },

    /** Jobs for every delivery of a subscription still pending (it was enabled again). */
    async resumePending (orgId: string, subscriptionId: string, db: Database): Promise<void> {
      await db.execute(sql`SELECT herald_add_job(${DELIVER_JOB}, json_build_object('orgId', ${orgId}::text, 'deliveryId', d.id), NULL, NULL, 5, 'webhook-delivery:' || d.id, 0)
        FROM webhook_deliveries d WHERE d.organization_id = ${orgId}::uuid AND d.subscription_id = ${subscriptionId}::uuid AND d.status = 'pending'`)
    },

    ...versionedRows(webhookSubscriptions),

    async list (orgId: string, q: WebhookListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: webhookSubscriptions.createdAt }, idColumn: webhookSubscriptions.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, webhookSubscriptions, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(webhookSubscriptions.organizationId, orgId),
        q.enabled ? eq(webhookSubscriptions.enabled, q.enabled === 'true') : undefined,
        q.brandId ? eq(webhookSubscriptions.brandId, q.brandId) : undefined,
        // A brand-limited caller sees the subscriptions of its brands only.
        onlyBrandIds ? (onlyBrandIds.length ? anyOf(webhookSubscriptions.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        rangeWhere(webhookSubscriptions, q)))
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
      await deferInsert(db, webhookDeliveries, [{ ...v, organizationId: orgId }], { onConflictDoNothing: true })
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
      return await selectPage(db, webhookDeliveries, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(webhookDeliveries.organizationId, orgId),
        eq(webhookDeliveries.subscriptionId, subscriptionId),
        q.status ? eq(webhookDeliveries.status, q.status) : undefined,
        q.eventId ? eq(webhookDeliveries.eventId, q.eventId) : undefined))
    },

    /** The latest attempt of each delivery, in one statement. */
    async lastAttempts (orgId: string, deliveryIds: readonly string[], db: Database): Promise<Map<string, AttemptRow>> {
      if (deliveryIds.length === 0) return new Map()
      const rows = await db.selectDistinctOn([webhookAttempts.deliveryId]).from(webhookAttempts)
        .where(and(eq(webhookAttempts.organizationId, orgId), anyOf(webhookAttempts.deliveryId, [...deliveryIds])))
        .orderBy(webhookAttempts.deliveryId, desc(webhookAttempts.attemptNumber))
      return new Map(rows.map((r) => [r.deliveryId, r]))
    },

    async listAttempts (orgId: string, deliveryId: string, q: AttemptListQuery, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: webhookAttempts.createdAt }, idColumn: webhookAttempts.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, webhookAttempts, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(webhookAttempts.organizationId, orgId),
        eq(webhookAttempts.deliveryId, deliveryId)))
    },

    /** Puts a delivery back in the queue (redelivery by hand). */
    async markPending (orgId: string, deliveryId: string, db: Database): Promise<DeliveryRow | undefined> {
      const [row] = await db.update(webhookDeliveries).set({ status: 'pending', nextAttemptAt: sql`now()` })
        .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.id, deliveryId))).returning()
      return row
    },

    /**
     * Logs attempts and settles their deliveries, many in one statement: each attempt's number
     * is counted by its delivery row. A delivery appears at most once per call.
     */
    async recordAttempts (orgId: string, attempts: ReadonlyArray<{ attempt: NewAttempt, outcome: { status: DeliveryRow['status'], nextAttemptAt: Date | null } }>, db: Database): Promise<Map<string, number>> {
      const rows = attempts.map(({ attempt: a, outcome: o }) => ({
        delivery_id: a.deliveryId,
        subscription_id: a.subscriptionId,
        event_id: a.eventId,
        started_at: a.startedAt.toISOString(),
        duration_ms: a.durationMs,
        status_code: a.statusCode ?? null,
        response_body: a.responseBody ?? null,
        error_class: a.errorClass ?? null,
        error: a.error ?? null,
        status: o.status,
        next_attempt_at: o.nextAttemptAt?.toISOString() ?? null
      }))
      const result = await db.execute(sql`WITH v AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(delivery_id uuid, subscription_id uuid, event_id uuid, started_at timestamptz,
            duration_ms integer, status_code integer, response_body text, error_class text, error text, status webhook_delivery_status, next_attempt_at timestamptz)
        ), d AS (
          UPDATE webhook_deliveries w SET attempts = w.attempts + 1, last_attempt_at = v.started_at, status = v.status, next_attempt_at = v.next_attempt_at
          FROM v WHERE w.organization_id = ${orgId}::uuid AND w.id = v.delivery_id
          RETURNING w.id, w.attempts
        )
        INSERT INTO webhook_attempts (organization_id, delivery_id, subscription_id, event_id, attempt_number, started_at, duration_ms, status_code, response_body, error_class, error)
        SELECT ${orgId}::uuid, v.delivery_id, v.subscription_id, v.event_id, d.attempts, v.started_at, v.duration_ms, v.status_code, v.response_body, v.error_class, v.error
        FROM v JOIN d ON d.id = v.delivery_id
        RETURNING delivery_id, attempt_number`)
      return new Map((result.rows as Array<{ delivery_id: string, attempt_number: number }>).map((r) => [r.delivery_id, Number(r.attempt_number)]))
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
