import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { AppError } from '../../lib/errors.js'
import { wantsTotal, type CountedPage, type CursorCodec } from '../../lib/pagination.js'
import { contentItems } from '../../db/tables/content-items.js'
import type { TimelineQuery, TimelineType } from './timeline.schemas.js'

// Read-only, and only of other modules' tables (this module owns none): an item's history from
// four tables, merged in ONE statement: UNION ALL of revisions, the
// item's status events, approval decisions (from approval_decisions rather than the
// `approval.decided` events, so each decision appears once) and comments, keyset-paginated on
// (at, seq, id) and cut per item with row_number(), so a page of items in GraphQL costs one
// statement too. `seq` is the events' own strictly increasing sequence (0 for the other
// rows): two events of one transaction may share a millisecond, and their order must not
// depend on random ids; revisions, decisions and comments are stamped with the
// transaction's start (now()), so at an equal millisecond they come before its events.

export interface TimelineRow {
  id: string
  itemId: string
  type: TimelineType
  at: Date
  /** The event's sequence number; 0 for revisions, decisions and comments. */
  seq: number
  actorType: 'member' | 'api_key' | 'guest' | 'system'
  actorId: string | null
  actorLabel: string | null
  data: Record<string, unknown>
}

export interface TimelineOptions {
  /** Whether the reader may see internal comments and comments of decisions at internal steps. */
  internal: boolean
}

/** RFC 3339 in UTC with milliseconds, like every other time on the wire. */
const isoOf = (column: SQL) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

function entriesSql (orgId: string, itemIds: readonly string[], opts: TimelineOptions): SQL {
  const ids = sql`${sql.param([...itemIds])}::uuid[]`
  const internal = sql`${opts.internal}::boolean`
  return sql`
    SELECT r.id, r.content_item_id AS item_id, 'revision' AS type, r.created_at AS at, 0::bigint AS seq,
           r.actor_type::text AS actor_type, r.actor_id, r.actor_label,
           jsonb_build_object('revision', r.revision, 'changed', to_jsonb(r.changed)) AS data
      FROM content_revisions r
     WHERE r.organization_id = ${orgId} AND r.content_item_id = ANY(${ids})
    UNION ALL
    -- A submission or a scheduling also writes a status_changed event; the specific event
    -- stands for both (it carries the revision, due date or time).
    -- Publishing's events stand likewise for the status moves of a hand-over and its outcome.
    SELECT e.id, e.subject_id, CASE e.type WHEN 'content_item.submitted' THEN 'submitted' WHEN 'content_item.scheduled' THEN 'scheduled'
             WHEN 'content_item.publishing' THEN 'publishing' WHEN 'content_item.publish_requested' THEN 'publish_requested'
             WHEN 'content_item.published' THEN 'published' WHEN 'content_item.failed' THEN 'publish_failed'
             WHEN 'content_item.publish_held' THEN 'publish_held' ELSE 'status_changed' END,
           e.created_at, e.seq, e.actor_type::text, e.actor_id, e.actor_label, e.data
      FROM events e
     WHERE e.organization_id = ${orgId} AND e.subject_type = 'content_item' AND e.subject_id = ANY(${ids})
       AND (e.type IN ('content_item.submitted', 'content_item.scheduled', 'content_item.publishing', 'content_item.publish_requested',
                       'content_item.published', 'content_item.failed', 'content_item.publish_held')
            OR (e.type = 'content_item.status_changed' AND coalesce(e.data->>'reason', '') NOT IN ('submitted', 'scheduled')
                AND coalesce(e.data->>'to', '') NOT IN ('publishing', 'published', 'failed')))
    UNION ALL
    SELECT e.id, q.content_item_id, 'request_' || split_part(e.type, '.', 2), e.created_at, e.seq, e.actor_type::text, e.actor_id, e.actor_label,
           e.data || jsonb_build_object('requestId', q.id, 'revision', q.revision)
      FROM events e JOIN approval_requests q ON q.id = e.subject_id AND q.organization_id = e.organization_id
     WHERE e.organization_id = ${orgId} AND e.subject_type = 'approval_request' AND q.content_item_id = ANY(${ids})
       AND e.type IN ('approval_request.invalidated', 'approval_request.overdue')
    UNION ALL
    -- A decision's comment at an internal step is internal discussion: hidden like an
    -- internal comment from readers who may not see those.
    SELECT d.id, q.content_item_id, 'decision', d.created_at, 0, d.actor_type::text, d.actor_id, d.actor_label,
           jsonb_build_object('requestId', q.id, 'revision', q.revision, 'step', d.step, 'stepName', q.steps->d.step->>'name',
                              'decision', d.decision,
                              'comment', CASE WHEN ${internal} OR coalesce(q.steps->d.step->'roles', '[]'::jsonb) ? 'client' THEN d.comment END)
      FROM approval_decisions d JOIN approval_requests q ON q.id = d.request_id AND q.organization_id = d.organization_id
     WHERE d.organization_id = ${orgId} AND q.content_item_id = ANY(${ids})
    UNION ALL
    SELECT c.id, c.content_item_id, 'comment', c.created_at, 0, c.author_type::text, c.author_id, c.author_label,
           jsonb_build_object('commentId', c.id, 'body', c.body, 'visibility', c.visibility, 'mentions', to_jsonb(c.mentions),
                              'revision', c.revision, 'editedAt', ${isoOf(sql`c.edited_at`)})
      FROM content_comments c
     WHERE c.organization_id = ${orgId} AND c.content_item_id = ANY(${ids}) AND (${internal} OR c.visibility = 'shared')`
}

export function createTimelineQueries (codec: CursorCodec) {
  const sortKey = (sort: string) => `timeline:${sort}`

  return {
    async findItem (orgId: string, id: string, db: Database): Promise<{ id: string, brandId: string } | undefined> {
      const [row] = await db.select({ id: contentItems.id, brandId: contentItems.brandId })
        .from(contentItems).where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, id)))
      return row
    },

    /** One page per item, in one statement; `cursor` applies to every item of the batch. */
    async perItem (orgId: string, itemIds: readonly string[], q: TimelineQuery, opts: TimelineOptions, db: Database): Promise<Map<string, CountedPage<TimelineRow>>> {
      const out = new Map<string, CountedPage<TimelineRow>>()
      if (itemIds.length === 0) return out
      const desc = q.sort.startsWith('-')
      const dir = desc ? sql`DESC` : sql`ASC`
      let after = sql`true`
      if (q.cursor) {
        const [at, seq, id] = codec.decode(orgId, sortKey(q.sort), q.cursor)
        if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof seq !== 'number' || !Number.isSafeInteger(seq) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
          throw new AppError('HERALD_BAD_CURSOR', 'The cursor is not valid for this collection.', { errors: [{ path: 'cursor', message: 'invalid cursor' }] })
        }
        const key = sql`(${at}::timestamptz, ${seq}::bigint, ${id}::uuid)`
        after = desc ? sql`(at, seq, id) < ${key}` : sql`(at, seq, id) > ${key}`
      }
      // With the total (see countedPages in lib/pagination): every entry is numbered on its side
      // of the cursor, counted per item whatever the cursor, and the first entry of an item
      // with none past the cursor still comes back to carry its total (and is dropped below).
      const withTotal = wantsTotal(q)
      const result = withTotal
        ? await db.execute(sql`
        SELECT id, item_id, type, at, seq, actor_type, actor_id, actor_label, data, herald_total, herald_after FROM (
          SELECT t.*, (${after}) AS herald_after, count(*) OVER (PARTITION BY item_id)::int AS herald_total,
                 row_number() OVER (PARTITION BY item_id, (${after}) ORDER BY at ${dir}, seq ${dir}, id ${dir}) AS rn
            FROM (${entriesSql(orgId, itemIds, opts)}) t
        ) ranked
        WHERE (herald_after AND rn <= ${q.limit + 1}) OR rn = 1
        ORDER BY item_id, herald_after DESC, rn`)
        : await db.execute(sql`
        SELECT id, item_id, type, at, seq, actor_type, actor_id, actor_label, data FROM (
          SELECT t.*, row_number() OVER (PARTITION BY item_id ORDER BY at ${dir}, seq ${dir}, id ${dir}) AS rn
            FROM (${entriesSql(orgId, itemIds, opts)}) t
           WHERE ${after}
        ) ranked
        WHERE rn <= ${q.limit + 1}
        ORDER BY item_id, rn`)
      const totals = new Map<string, number>()
      const grouped = new Map<string, TimelineRow[]>()
      for (const r of result.rows as Array<Record<string, any>>) {
        if (withTotal) {
          totals.set(r.item_id, Number(r.herald_total))
          if (r.herald_after !== true) continue
        }
        const row: TimelineRow = {
          id: r.id, itemId: r.item_id, type: r.type, at: new Date(r.at), seq: Number(r.seq), actorType: r.actor_type, actorId: r.actor_id, actorLabel: r.actor_label, data: r.data ?? {}
        }
        const list = grouped.get(row.itemId)
        if (list) list.push(row)
        else grouped.set(row.itemId, [row])
      }
      for (const id of itemIds) {
        const rows = grouped.get(id) ?? []
        const more = rows.length > q.limit
        const data = more ? rows.slice(0, q.limit) : rows
        const cursors = data.map((r) => codec.encode(orgId, sortKey(q.sort), [r.at.toISOString(), r.seq, r.id]))
        out.set(id, { data, nextCursor: more ? cursors[cursors.length - 1] : null, cursors, ...(withTotal ? { totalCount: totals.get(id) ?? 0 } : {}) })
      }
      return out
    }
  }
}
export type TimelineQueries = ReturnType<typeof createTimelineQueries>
