import { z } from 'zod'
import { text } from '../../lib/http.js'
import { cursorSchema, includeSchema, limitSchema, pageParams } from '../../lib/pagination.js'
import { ActorRef, instantSchema as instant } from '../../lib/schemas.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { INCIDENT_STATUSES, PAUSE_RESUME_MODES } from '../../db/tables/crisis.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

// The wire shapes of an activated playbook's life: incidents (checklist, timeline), brand
// pauses, holding statements and reports. Playbooks themselves: playbooks.schemas.ts.

// ---- incidents ----

export const IncidentStatus = z.enum(INCIDENT_STATUSES)

export const StepSchema = z.object({
  id: z.uuid(),
  position: z.number().int(),
  title: z.string(),
  instructions: z.string(),
  ownerRole: z.string().nullable(),
  ownerMemberId: z.uuid().nullable(),
  responseTargetMinutes: z.number().int(),
  dueAt: z.string(),
  completedAt: z.string().nullable(),
  completedBy: ActorRef.nullable(),
  breached: z.boolean().nullable(),
  overdue: z.boolean()
})
export type StepDto = z.infer<typeof StepSchema>

export const IncidentSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  playbookId: z.uuid(),
  playbookVersion: z.number().int(),
  severity: z.string(),
  status: IncidentStatus,
  commanderId: z.uuid().nullable(),
  openedBy: z.enum(['manual', 'metric']),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  summary: z.string().nullable(),
  pauseId: z.uuid().nullable(),
  checklist: z.array(StepSchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type IncidentDto = z.infer<typeof IncidentSchema>

export const ActivatedIncidentSchema = IncidentSchema.extend({
  /** false: an incident of this playbook and brand was already open; this is it. */
  opened: z.boolean()
})

export const IncidentListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt'),
  brandId: z.uuid().optional(),
  playbookId: z.uuid().optional(),
  status: IncidentStatus.optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type IncidentListQuery = z.infer<typeof IncidentListQuery>

export const UpdateIncidentBody = z.strictObject({
  commanderId: z.uuid().nullable().optional(),
  severity: z.string().trim().min(1).max(50).optional(),
  status: z.enum(['active', 'monitoring']).optional()
})
export type UpdateIncidentInput = z.infer<typeof UpdateIncidentBody>

export const NoteBody = z.strictObject({ body: text(10000) })
export const ResolveBody = z.strictObject({ summary: text(20000) })
export const StepParams = z.strictObject({ id: z.uuid(), stepId: z.uuid() })

export const EntrySchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  actor: ActorRef,
  createdAt: z.string()
})
export type EntryDto = z.infer<typeof EntrySchema>

export const TimelineQuery = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  include: includeSchema
})
export type TimelineQuery = z.infer<typeof TimelineQuery>

// ---- brand pauses ----

export const PauseBody = z.strictObject({
  reason: text(1000),
  resumeAt: instant.optional(),
  onResume: z.enum(PAUSE_RESUME_MODES).default('release'),
  dryRun: z.boolean().default(false)
})
export type PauseInput = z.infer<typeof PauseBody>

export const ResumeBody = z.strictObject({
  onResume: z.enum(PAUSE_RESUME_MODES).optional()
})
export type ResumeInput = z.infer<typeof ResumeBody>

export const PauseSchema = z.object({
  id: z.uuid().nullable(),
  brandId: z.uuid(),
  incidentId: z.uuid().nullable(),
  reason: z.string(),
  resumeAt: z.string().nullable(),
  onResume: z.enum(PAUSE_RESUME_MODES),
  dryRun: z.boolean(),
  /** The items held (or, on a dry run, that would be), in the order they were due. */
  heldItemIds: z.array(z.uuid()),
  releasedItemIds: z.array(z.uuid()).nullable(),
  /** Items that go out despite the pause: the incident's holding statements. */
  allowedItemIds: z.array(z.uuid()),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable()
})
export type PauseDto = z.infer<typeof PauseSchema>

// ---- holding statements, reports ----

export const StatementBody = z.strictObject({
  platform: z.enum(PLATFORMS),
  socialAccountIds: z.array(z.uuid()).min(1).max(20),
  scheduledAt: instant.optional()
})
export type StatementInput = z.infer<typeof StatementBody>

export const ReportQuery = z.strictObject({
  brandId: z.uuid().optional(),
  from: instant.optional(),
  to: instant.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  /** CSV has one table: per incident (default) or per brand and month. */
  groupBy: z.enum(['incident', 'brandMonth']).default('incident')
})
export type ReportQuery = z.infer<typeof ReportQuery>

export const IncidentReportRow = z.object({
  incidentId: z.uuid(),
  brandId: z.uuid(),
  playbookId: z.uuid(),
  severity: z.string(),
  status: IncidentStatus,
  openedAt: z.string(),
  timeToAcknowledgeSeconds: z.number().int().nullable(),
  timeToResolveSeconds: z.number().int().nullable(),
  stepsBreached: z.number().int(),
  itemsHeld: z.number().int()
})
export const MonthReportRow = z.object({
  brandId: z.uuid(),
  month: z.string(),
  incidents: z.number().int(),
  meanTimeToAcknowledgeSeconds: z.number().int().nullable(),
  meanTimeToResolveSeconds: z.number().int().nullable(),
  stepsBreached: z.number().int(),
  itemsHeld: z.number().int()
})
export const ReportSchema = z.object({
  incidents: z.array(IncidentReportRow),
  byBrandMonth: z.array(MonthReportRow)
})
export type ReportDto = z.infer<typeof ReportSchema>

export const ExportQuery = z.strictObject({ format: z.enum(['json', 'markdown']).default('json') })

export const ExportSchema = z.object({
  incident: IncidentSchema,
  playbook: z.record(z.string(), z.unknown()),
  timeline: z.array(EntrySchema),
  measures: IncidentReportRow
})
export type ExportDto = z.infer<typeof ExportSchema>
