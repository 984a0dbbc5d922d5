import { and, eq, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { deferInsert } from '../../db/tenant-rows.js'
import { deferrableTx } from '../../db/tx.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { events } from '../../db/tables/events.js'
import type { AuditListQuery } from './events.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type EventRow = typeof events.$inferSelect
export type NewEvent = Omit<typeof events.$inferInsert, 'seq' | 'createdAt'>

export function createEventsRepository (codec: CursorCodec) {
  return {
    async findById (orgId: string, id: string, db: Database): Promise<EventRow | undefined> {
      const [row] = await db.select().from(events).where(and(eq(events.organizationId, orgId), eq(events.id, id)))
      return row
    },

    /** Deferred (see deferInsert): an event commits with its change, at no round trip of its own. */
    async insert (orgId: string, event: Omit<NewEvent, 'organizationId'>, db: Database): Promise<void> {
      await deferInsert(db, events, [{ ...event, organizationId: orgId }])
    },

    /**
     * Many at once, in one deferred statement, in the order given (their seq follows it). The
     * rows travel as one JSON parameter: building a multi-row VALUES with the query builder
     * cost more Node CPU than all the rest of a publishing batch.
     */
    async insertMany (orgId: string, list: ReadonlyArray<Omit<NewEvent, 'organizationId'>>, db: Database): Promise<void> {
      if (list.length === 0) return
      const tx = deferrableTx(db)
      if (!tx) {
        await db.insert(events).values(list.map((event) => ({ ...event, organizationId: orgId })))
        return
      }
      const rows = list.map((e) => ({ id: e.id, type: e.type, subject_type: e.subjectType, subject_id: e.subjectId, brand_id: e.brandId ?? null, actor_type: e.actorType, actor_id: e.actorId ?? null, actor_label: e.actorLabel ?? null, request_id: e.requestId ?? null, data: e.data }))
      tx.defer(`INSERT INTO events (id, organization_id, type, subject_type, subject_id, brand_id, actor_type, actor_id, actor_label, request_id, data)
        SELECT e.id, $1::uuid, e.type, e.subject_type, e.subject_id, e.brand_id, e.actor_type::actor_type, e.actor_id, e.actor_label, e.request_id, e.data
        FROM ROWS FROM (json_to_recordset($2::json) AS (id uuid, type text, subject_type text, subject_id uuid, brand_id uuid, actor_type text, actor_id uuid, actor_label text, request_id text, data jsonb))
          WITH ORDINALITY AS e(id, type, subject_type, subject_id, brand_id, actor_type, actor_id, actor_label, request_id, data, ord)
        ORDER BY e.ord`, [orgId, JSON.stringify(rows)], { prepare: true })
    },

    /**
     * onlyBrandIds: a brand-limited caller's brands. Its page holds only events of those brands;
     * organization-level events (brand_id null) are not theirs to see.
     */
    async list (orgId: string, q: Partial<AuditListQuery> & { limit: number, sort: string }, onlyBrandIds: readonly string[] | null, db: Database) {
      // createdAt sorts by the insertion sequence, which is the same order without ties.
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: events.seq }, idColumn: events.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, events, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(events.organizationId, orgId),
        q.type ? eq(events.type, q.type) : undefined,
        q.subjectId ? eq(events.subjectId, q.subjectId) : undefined,
        q.brandId ? eq(events.brandId, q.brandId) : undefined,
        onlyBrandIds ? (onlyBrandIds.length ? anyOf(events.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        q.actorId ? eq(events.actorId, q.actorId) : undefined,
        rangeWhere({ createdAt: events.createdAt }, q)), (r) => r.seq)
    }
  }
}
export type EventsRepository = ReturnType<typeof createEventsRepository>
