import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'
import { memberships } from './members.js'
import { actorTypeEnum } from './events.js'

// Crisis playbooks, their versions, incidents (checklist and timeline) and brand pauses.
// A playbook's definition is one JSON document (validated by the crisis module's zod schema):
// it is read and written whole, every change is a new row of crisis_playbook_versions, and an
// incident points at the exact version it was opened from.

/** The playbook as the crisis module's zod schema (PlaybookDefinition) describes it. */
export type PlaybookDefinitionJson = Record<string, unknown>

export const crisisPlaybooks = pgTable('crisis_playbooks', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  /** The current version's definition (also stored in crisis_playbook_versions). */
  definition: jsonb().$type<PlaybookDefinitionJson>().notNull(),
  /** Last review; the cadence counts from here (or from creation). */
  reviewedAt: instant().notNull().defaultNow(),
  /** The review period already announced by playbook.review_due (its due instant). */
  reviewDueAnnouncedFor: instant(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('crisis_playbooks_org_created_idx').on(t.organizationId, t.createdAt, t.id)
])

export const crisisPlaybookVersions = pgTable('crisis_playbook_versions', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  playbookId: uuid().notNull().references(() => crisisPlaybooks.id, { onDelete: 'cascade' }),
  version: integer().notNull(),
  definition: jsonb().$type<PlaybookDefinitionJson>().notNull(),
  actorType: actorTypeEnum().notNull(),
  actorId: uuid(),
  actorLabel: text(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('crisis_playbook_versions_playbook_version_idx').on(t.playbookId, t.version),
  index('crisis_playbook_versions_org_idx').on(t.organizationId)
])

export const INCIDENT_STATUSES = ['active', 'monitoring', 'resolved'] as const
export type IncidentStatus = typeof INCIDENT_STATUSES[number]
export const incidentStatusEnum = pgEnum('incident_status', INCIDENT_STATUSES)

export const incidents = pgTable('incidents', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  playbookId: uuid().notNull().references(() => crisisPlaybooks.id, { onDelete: 'restrict' }),
  playbookVersion: integer().notNull(),
  severity: text().notNull(),
  status: incidentStatusEnum().notNull().default('active'),
  commanderId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
  /** 'manual' or 'metric' (a trigger rule fired). */
  openedBy: text().notNull().default('manual'),
  openedByLabel: text(),
  acknowledgedAt: instant(),
  acknowledgedByLabel: text(),
  resolvedAt: instant(),
  summary: text(),
  /** Copied from the playbook version: the brand's clients may read this incident. */
  informClients: boolean().notNull().default(false),
  /** The brand pause this incident applied, if its playbook pauses publishing. */
  pauseId: uuid(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  // One open incident per playbook and brand: activating again finds this one.
  uniqueIndex('incidents_open_playbook_brand_idx').on(t.playbookId, t.brandId).where(sql`status <> 'resolved'`),
  index('incidents_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('incidents_brand_created_idx').on(t.brandId, t.createdAt),
  index('incidents_commander_idx').on(t.commanderId),
  index('incidents_playbook_idx').on(t.playbookId)
])

export const incidentSteps = pgTable('incident_steps', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  incidentId: uuid().notNull().references(() => incidents.id, { onDelete: 'cascade' }),
  position: integer().notNull(),
  title: text().notNull(),
  instructions: text().notNull().default(''),
  ownerRole: text(),
  ownerMemberId: uuid(),
  responseTargetMinutes: integer().notNull(),
  dueAt: instant().notNull(),
  completedAt: instant(),
  completedByType: actorTypeEnum(),
  completedById: uuid(),
  completedByLabel: text(),
  breached: boolean(),
  /** incident.step_overdue was raised (once). */
  overdueAnnounced: boolean().notNull().default(false)
}, (t) => [
  uniqueIndex('incident_steps_incident_position_idx').on(t.incidentId, t.position),
  index('incident_steps_org_due_idx').on(t.organizationId, t.dueAt).where(sql`completed_at IS NULL AND NOT overdue_announced`)
])

export const incidentEntries = pgTable('incident_entries', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  incidentId: uuid().notNull().references(() => incidents.id, { onDelete: 'cascade' }),
  /** opened, acknowledged, commander_assigned, status_changed, step_completed, note, statement_created, paused, resumed, resolved. */
  kind: text().notNull(),
  body: text(),
  data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  actorType: actorTypeEnum().notNull(),
  actorId: uuid(),
  actorLabel: text(),
  createdAt: instant().notNull().default(sql`clock_timestamp()`)
}, (t) => [
  index('incident_entries_incident_created_idx').on(t.incidentId, t.createdAt, t.id),
  index('incident_entries_org_idx').on(t.organizationId)
])

export const PAUSE_RESUME_MODES = ['release', 'reschedule'] as const
export type PauseResumeMode = typeof PAUSE_RESUME_MODES[number]
export const pauseResumeModeEnum = pgEnum('pause_resume_mode', PAUSE_RESUME_MODES)

export const brandPauses = pgTable('brand_pauses', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  incidentId: uuid().references(() => incidents.id, { onDelete: 'set null' }),
  reason: text().notNull(),
  resumeAt: instant(),
  onResume: pauseResumeModeEnum().notNull().default('release'),
  /** Content items held by this pause, in the order they were due. */
  heldItemIds: uuid().array().notNull().default([]),
  releasedItemIds: uuid().array(),
  /** Items that go out despite the pause: the incident's holding statements. */
  allowedItemIds: uuid().array().notNull().default([]),
  startedAt: instant().notNull().defaultNow(),
  endedAt: instant(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  // One pause in force per brand.
  uniqueIndex('brand_pauses_active_brand_idx').on(t.brandId).where(sql`ended_at IS NULL`),
  index('brand_pauses_brand_idx').on(t.brandId, t.startedAt),
  index('brand_pauses_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('brand_pauses_incident_idx').on(t.incidentId),
  index('brand_pauses_resume_idx').on(t.resumeAt).where(sql`ended_at IS NULL`)
])

/**
 * The last time a metric rule of a playbook crossed for a brand: the cooldown's memory. A
 * crossing claims the row (an upsert that changes it only when the cooldown has passed), so
 * concurrent ingestions of one spike fire the rule once.
 */
export const crisisTriggerStates = pgTable('crisis_trigger_states', {
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  playbookId: uuid().notNull().references(() => crisisPlaybooks.id, { onDelete: 'cascade' }),
  ruleIndex: integer().notNull(),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  lastCrossedAt: instant().notNull()
}, (t) => [
  primaryKey({ columns: [t.playbookId, t.ruleIndex, t.brandId] }),
  index('crisis_trigger_states_org_idx').on(t.organizationId),
  index('crisis_trigger_states_brand_idx').on(t.brandId)
])
