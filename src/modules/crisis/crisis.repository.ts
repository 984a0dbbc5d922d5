import { and, asc, eq, gte, isNull, lt, ne, sql, type SQL } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { brandPauses, crisisPlaybooks, crisisTriggerStates, crisisPlaybookVersions, incidentEntries, incidents, incidentSteps, type PlaybookDefinitionJson } from '../../db/tables/crisis.js'
import type { PlaybookListQuery } from './playbooks.schemas.js'
import type { IncidentListQuery } from './incidents.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

// SQL of the crisis module only; every method takes orgId first and the unit of work's db.

export type PlaybookRow = typeof crisisPlaybooks.$inferSelect
export type PlaybookVersionRow = typeof crisisPlaybookVersions.$inferSelect
export type IncidentRow = typeof incidents.$inferSelect
export type StepRow = typeof incidentSteps.$inferSelect
export type EntryRow = typeof incidentEntries.$inferSelect
export type PauseRow = typeof brandPauses.$inferSelect
export interface ActorCols { actorType: 'member' | 'api_key' | 'guest' | 'system', actorId: string | null, actorLabel: string | null }

/**
 * When a playbook's review falls due, in SQL: reviewCadenceDays days of 24 hours after the last
 * review, as reviewDueAt computes it in TypeScript. Hours, not days: adding days to a timestamptz
 * follows the session's time zone (a day across a DST change is 23 or 25 hours), which would make
 * the timer and the API disagree.
 */
export const reviewDueSql = () => sql`${crisisPlaybooks.reviewedAt} + make_interval(hours => 24 * (${crisisPlaybooks.definition}->>'reviewCadenceDays')::int)`

export function createCrisisRepository (codec: CursorCodec) {
  const playbookRows = versionedRows(crisisPlaybooks)
  const incidentRows = versionedRows(incidents)
  const pauseRows = versionedRows(brandPauses)

  return {
    playbooks: {
      ...playbookRows,

      async list (orgId: string, q: PlaybookListQuery, extra: SQL | undefined, db: Database): Promise<Page<PlaybookRow>> {
        const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: crisisPlaybooks.createdAt }, idColumn: crisisPlaybooks.id, cursor: q.cursor, limit: q.limit, codec }
        return await selectPage(db, crisisPlaybooks, { ...args, withTotal: wantsTotal(q) }, andAll(eq(crisisPlaybooks.organizationId, orgId), extra, rangeWhere(crisisPlaybooks, q)))
      },

      async insert (orgId: string, definition: PlaybookDefinitionJson & { name: string }, actor: ActorCols, db: Database): Promise<PlaybookRow> {
        const [row] = await db.insert(crisisPlaybooks).values({ organizationId: orgId, name: definition.name, definition }).returning()
        await db.insert(crisisPlaybookVersions).values({ organizationId: orgId, playbookId: row.id, version: row.version, definition, ...actor })
        return row
      },

      async saveVersion (orgId: string, row: PlaybookRow, actor: ActorCols, db: Database): Promise<void> {
        await db.insert(crisisPlaybookVersions).values({ organizationId: orgId, playbookId: row.id, version: row.version, definition: row.definition, ...actor })
      },

      async versions (orgId: string, playbookId: string, db: Database): Promise<PlaybookVersionRow[]> {
        return await db.select().from(crisisPlaybookVersions)
          .where(and(eq(crisisPlaybookVersions.organizationId, orgId), eq(crisisPlaybookVersions.playbookId, playbookId)))
          .orderBy(asc(crisisPlaybookVersions.version))
      },

      async version (orgId: string, playbookId: string, version: number, db: Database): Promise<PlaybookVersionRow | undefined> {
        const [row] = await db.select().from(crisisPlaybookVersions).where(and(
          eq(crisisPlaybookVersions.organizationId, orgId), eq(crisisPlaybookVersions.playbookId, playbookId), eq(crisisPlaybookVersions.version, version)))
        return row
      },

      async hasIncidents (orgId: string, playbookId: string, db: Database): Promise<boolean> {
        const [row] = await db.select({ id: incidents.id }).from(incidents).where(and(eq(incidents.organizationId, orgId), eq(incidents.playbookId, playbookId))).limit(1)
        return !!row
      },

      async markReviewed (orgId: string, id: string, db: Database): Promise<PlaybookRow> {
        const [row] = await db.update(crisisPlaybooks).set({ reviewedAt: sql`now()`, reviewDueAnnouncedFor: null })
          .where(and(eq(crisisPlaybooks.organizationId, orgId), eq(crisisPlaybooks.id, id))).returning()
        return row
      },

      /** Marks a review period announced; false when someone else did (once per period). */
      async markReviewAnnounced (orgId: string, id: string, dueAt: Date, db: Database): Promise<boolean> {
        const rows = await db.update(crisisPlaybooks).set({ reviewDueAnnouncedFor: dueAt })
          .where(and(eq(crisisPlaybooks.organizationId, orgId), eq(crisisPlaybooks.id, id),
            sql`${crisisPlaybooks.reviewDueAnnouncedFor} IS DISTINCT FROM ${dueAt}`))
          .returning({ id: crisisPlaybooks.id })
        return rows.length > 0
      }
    },

    incidents: {
      ...incidentRows,

      /** brandIds: the caller's brand grant (null: all); informedOnly: clients see incidents that inform them. */
      async list (orgId: string, q: IncidentListQuery, who: { brandIds: readonly string[] | null, informedOnly: boolean }, db: Database): Promise<Page<IncidentRow>> {
        const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: incidents.createdAt }, idColumn: incidents.id, cursor: q.cursor, limit: q.limit, codec }
        return await selectPage(db, incidents, { ...args, withTotal: wantsTotal(q) }, andAll(eq(incidents.organizationId, orgId), brandScope(incidents.brandId, who.brandIds),
          who.informedOnly ? eq(incidents.informClients, true) : undefined,
          q.brandId ? eq(incidents.brandId, q.brandId) : undefined,
          q.playbookId ? eq(incidents.playbookId, q.playbookId) : undefined,
          q.status ? eq(incidents.status, q.status) : undefined,
          rangeWhere(incidents, q)))
      },

      /** Inserts unless one of this playbook and brand is open (then undefined). */
      async insertIfNoneOpen (orgId: string, values: Omit<typeof incidents.$inferInsert, 'organizationId'>, db: Database): Promise<IncidentRow | undefined> {
        const [row] = await db.insert(incidents).values({ ...values, organizationId: orgId })
          .onConflictDoNothing({ target: [incidents.playbookId, incidents.brandId], where: sql`status <> 'resolved'` })
          .returning()
        return row
      },

      async findOpen (orgId: string, playbookId: string, brandId: string, db: Database): Promise<IncidentRow | undefined> {
        const [row] = await db.select().from(incidents).where(and(eq(incidents.organizationId, orgId), eq(incidents.playbookId, playbookId),
          eq(incidents.brandId, brandId), ne(incidents.status, 'resolved')))
        return row
      },

      async insertSteps (orgId: string, steps: Array<Omit<typeof incidentSteps.$inferInsert, 'organizationId'>>, db: Database): Promise<void> {
        if (steps.length) await db.insert(incidentSteps).values(steps.map((s) => ({ ...s, organizationId: orgId })))
      },

      async stepsOf (orgId: string, incidentIds: readonly string[], db: Database): Promise<StepRow[]> {
        if (incidentIds.length === 0) return []
        return await db.select().from(incidentSteps)
          .where(and(eq(incidentSteps.organizationId, orgId), anyOf(incidentSteps.incidentId, [...incidentIds])))
          .orderBy(asc(incidentSteps.incidentId), asc(incidentSteps.position))
      },

      async completeStep (orgId: string, stepId: string, at: Date, breached: boolean, actor: ActorCols, db: Database): Promise<StepRow | undefined> {
        const [row] = await db.update(incidentSteps)
          .set({ completedAt: at, breached, completedByType: actor.actorType, completedById: actor.actorId, completedByLabel: actor.actorLabel })
          .where(and(eq(incidentSteps.organizationId, orgId), eq(incidentSteps.id, stepId), isNull(incidentSteps.completedAt)))
          .returning()
        return row
      },

      /** Steps of open incidents past their target, not done and not yet announced; claims them (once). */
      async claimOverdueSteps (orgId: string, now: Date, db: Database): Promise<StepRow[]> {
        return await db.update(incidentSteps).set({ overdueAnnounced: true })
          .where(and(eq(incidentSteps.organizationId, orgId), isNull(incidentSteps.completedAt), eq(incidentSteps.overdueAnnounced, false),
            sql`${incidentSteps.dueAt} <= ${now}`))
          .returning()
      },

      /**
       * The timeline is ordered by (createdAt, id) at millisecond precision: two entries written
       * in the same millisecond (a PATCH changing status and severity) would fall in random id
       * order. Each entry is therefore stamped at least a millisecond after the incident's latest,
       * so the timeline reads in the order it was written.
       */
      async addEntry (orgId: string, incidentId: string, entry: { kind: string, body?: string | null, data?: Record<string, unknown> } & ActorCols, db: Database): Promise<EntryRow> {
        const createdAt = sql`greatest(clock_timestamp(), (SELECT max(e.created_at) + interval '1 millisecond' FROM incident_entries e WHERE e.incident_id = ${incidentId}))`
        const [row] = await db.insert(incidentEntries).values({ organizationId: orgId, incidentId, kind: entry.kind, body: entry.body ?? null, data: entry.data ?? {}, actorType: entry.actorType, actorId: entry.actorId, actorLabel: entry.actorLabel, createdAt }).returning()
        return row
      },

      async findEntry (orgId: string, id: string, db: Database): Promise<EntryRow | undefined> {
        const [row] = await db.select().from(incidentEntries).where(and(eq(incidentEntries.organizationId, orgId), eq(incidentEntries.id, id)))
        return row
      },

      async entries (orgId: string, incidentId: string, q: { limit: number, cursor?: string }, db: Database): Promise<Page<EntryRow>> {
        const args = { orgId, sort: parseSort('createdAt'), columns: { createdAt: incidentEntries.createdAt }, idColumn: incidentEntries.id, cursor: q.cursor, limit: q.limit, codec }
        return await selectPage(db, incidentEntries, { ...args, withTotal: wantsTotal(q) }, andAll(eq(incidentEntries.organizationId, orgId), eq(incidentEntries.incidentId, incidentId)))
      },

      async allEntries (orgId: string, incidentId: string, db: Database): Promise<EntryRow[]> {
        return await db.select().from(incidentEntries)
          .where(and(eq(incidentEntries.organizationId, orgId), eq(incidentEntries.incidentId, incidentId)))
          .orderBy(asc(incidentEntries.createdAt), asc(incidentEntries.id))
      },

      /** Incidents opened in [from, to) for a report, oldest first (at most 10,000). */
      async forReport (orgId: string, q: { brandId?: string, from?: Date, to?: Date }, who: { brandIds: readonly string[] | null, informedOnly: boolean }, db: Database): Promise<IncidentRow[]> {
        return await db.select().from(incidents).where(andAll(eq(incidents.organizationId, orgId), brandScope(incidents.brandId, who.brandIds),
          who.informedOnly ? eq(incidents.informClients, true) : undefined,
          q.brandId ? eq(incidents.brandId, q.brandId) : undefined,
          q.from ? gte(incidents.createdAt, q.from) : undefined,
          q.to ? lt(incidents.createdAt, q.to) : undefined
        )).orderBy(asc(incidents.createdAt), asc(incidents.id)).limit(10000)
      }
    },

    triggers: {
      /** Playbooks with metric rules on any of these metrics. */
      async playbooksWithRules (orgId: string, metrics: readonly string[], db: Database): Promise<PlaybookRow[]> {
        if (metrics.length === 0) return []
        return await db.select().from(crisisPlaybooks).where(and(eq(crisisPlaybooks.organizationId, orgId),
          sql`EXISTS (SELECT 1 FROM jsonb_array_elements(${crisisPlaybooks.definition}->'triggers'->'metricRules') r WHERE r->>'metric' IN (${sql.join(metrics.map((m) => sql`${m}`), sql`, `)}))`))
      },

      /**
       * Claims a crossing: true when the rule had not crossed for this brand within the
       * cooldown (the row is then stamped now). Concurrent claims of one spike wait on the
       * row and re-check, so one wins.
       */
      async claim (orgId: string, key: { playbookId: string, ruleIndex: number, brandId: string }, cooldownMinutes: number, now: Date, db: Database): Promise<boolean> {
        const rows = await db.insert(crisisTriggerStates).values({ organizationId: orgId, ...key, lastCrossedAt: now })
          .onConflictDoUpdate({
            target: [crisisTriggerStates.playbookId, crisisTriggerStates.ruleIndex, crisisTriggerStates.brandId],
            set: { lastCrossedAt: now },
            setWhere: sql`${crisisTriggerStates.lastCrossedAt} <= ${new Date(now.getTime() - cooldownMinutes * 60_000)}`
          })
          .returning({ at: crisisTriggerStates.lastCrossedAt })
        return rows.length > 0
      }
    },

    /** Cross-organization finds for the timers (as herald_system: SELECT of a few columns only). */
    scan: {
      async overdueStepOrgs (db: Database, limit: number, now: Date): Promise<string[]> {
        const rows = await db.selectDistinct({ orgId: incidentSteps.organizationId }).from(incidentSteps)
          .where(and(isNull(incidentSteps.completedAt), eq(incidentSteps.overdueAnnounced, false), sql`${incidentSteps.dueAt} <= ${now}`)).limit(limit)
        return rows.map((r) => r.orgId)
      },
      async reviewDuePlaybooks (db: Database, limit: number, now: Date): Promise<Array<{ id: string, orgId: string }>> {
        const due = reviewDueSql()
        return await db.select({ id: crisisPlaybooks.id, orgId: crisisPlaybooks.organizationId }).from(crisisPlaybooks)
          .where(and(sql`${due} <= ${now}`, sql`${crisisPlaybooks.reviewDueAnnouncedFor} IS DISTINCT FROM ${due}`)).limit(limit)
      },
      /** Organizations with playbooks that have metric rules (the metric windows timer). */
      /** Organizations with metric rules, in id order after `after` (a page of a full pass). */
      async metricRuleOrgs (db: Database, limit: number, after: string | null = null): Promise<string[]> {
        const rows = await db.selectDistinct({ orgId: crisisPlaybooks.organizationId }).from(crisisPlaybooks)
          .where(and(
            sql`jsonb_array_length(coalesce(${crisisPlaybooks.definition}->'triggers'->'metricRules', '[]'::jsonb)) > 0`,
            after ? sql`${crisisPlaybooks.organizationId} > ${after}` : undefined
          ))
          .orderBy(crisisPlaybooks.organizationId).limit(limit)
        return rows.map((r) => r.orgId)
      },
      async resumablePauses (db: Database, limit: number, now: Date): Promise<Array<{ id: string, orgId: string }>> {
        return await db.select({ id: brandPauses.id, orgId: brandPauses.organizationId }).from(brandPauses)
          .where(and(isNull(brandPauses.endedAt), sql`${brandPauses.resumeAt} <= ${now}`)).limit(limit)
      }
    },

    pauses: {
      ...pauseRows,

      async active (orgId: string, brandId: string, db: Database, lock = false): Promise<PauseRow | undefined> {
        const q = db.select().from(brandPauses).where(and(eq(brandPauses.organizationId, orgId), eq(brandPauses.brandId, brandId), isNull(brandPauses.endedAt)))
        const [row] = lock ? await q.for('update') : await q
        return row
      },

      async insert (orgId: string, values: Omit<typeof brandPauses.$inferInsert, 'organizationId'>, db: Database): Promise<PauseRow | undefined> {
        const [row] = await db.insert(brandPauses).values({ ...values, organizationId: orgId })
          .onConflictDoNothing({ target: brandPauses.brandId, where: sql`ended_at IS NULL` })
          .returning()
        return row
      },

      async byIds (orgId: string, ids: readonly string[], db: Database): Promise<PauseRow[]> {
        return await pauseRows.findByIds(orgId, ids, db)
      }
    }
  }
}
export type CrisisRepository = ReturnType<typeof createCrisisRepository>
