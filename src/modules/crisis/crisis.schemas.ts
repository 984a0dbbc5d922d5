import { z } from 'zod'
import { text } from '../../lib/http.js'
import { cursorSchema, includeSchema, limitSchema, sortSchema } from '../../lib/pagination.js'
import { ActorRef, RoleSchema, brandIdsSchema } from '../../lib/schemas.js'
import { BASE_METRICS } from '../../lib/metrics-vocabulary.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { INCIDENT_STATUSES, PAUSE_RESUME_MODES } from '../../db/tables/crisis.js'
import { ApprovalModeSchema, ApprovalStepInput, MAX_STEPS, StepRoleSchema } from '../approval-policies/public.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

// Every wire shape of the crisis module: playbooks (a definition, versioned), activation,
// incidents (checklist, timeline), brand pauses and reports.

const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with Z or an offset' }).max(64)

/**
 * The stricter approval policy for an incident's duration, as a template: the same steps as an
 * approval policy, put in force for the incident's brand on activation and ended on resolution.
 */
const IncidentApprovalPolicy = z.strictObject({
  name: text(200),
  // Stored as an approval policy stores its steps: both lists present.
  steps: z.array(ApprovalStepInput.transform((st) => ({ name: st.name, roles: st.roles ?? [], memberIds: st.memberIds ?? [], mode: st.mode }))).min(1).max(MAX_STEPS)
})

const SeverityLevel = z.strictObject({
  level: z.string().trim().min(1).max(50),
  definition: text(1000)
})

const MetricRule = z.strictObject({
  metric: z.enum(BASE_METRICS),
  /** Crossing: the sum of the metric over the window reaches at least this. */
  threshold: z.number().min(0).max(1e12),
  windowMinutes: z.number().int().min(1).max(10080),
  cooldownMinutes: z.number().int().min(0).max(10080).default(60),
  /** Open the incident when the rule crosses (otherwise only metrics.threshold_crossed). */
  activate: z.boolean().default(true),
  severity: z.string().trim().min(1).max(50).optional()
})

const Step = z.strictObject({
  title: text(200),
  instructions: z.string().trim().max(5000).default(''),
  ownerRole: RoleSchema.optional(),
  ownerMemberId: z.uuid().optional(),
  responseTargetMinutes: z.number().int().min(1).max(43200)
}).refine((s) => !(s.ownerRole && s.ownerMemberId), { message: 'give ownerRole or ownerMemberId, not both', path: ['ownerMemberId'] })

const HoldingStatement = z.strictObject({
  platform: z.enum(PLATFORMS),
  body: text(5000)
})

const EscalationContact = z.strictObject({
  name: text(200),
  role: z.string().trim().max(200).optional(),
  email: z.email().max(254).optional(),
  phone: z.string().trim().min(3).max(40).optional()
})

const InternalChannel = z.strictObject({
  kind: z.enum(['slack', 'teams', 'email', 'phone', 'other']),
  target: text(500)
})

const definitionShape = {
  name: text(200),
  scenario: z.string().trim().max(5000).default(''),
  /** null: every brand of the organization. */
  brandIds: brandIdsSchema.nullable().default(null),
  severityLevels: z.array(SeverityLevel).min(1).max(10),
  triggers: z.strictObject({
    manual: z.boolean().default(true),
    metricRules: z.array(MetricRule).max(20).default([])
  }).default({ manual: true, metricRules: [] }),
  steps: z.array(Step).max(50).default([]),
  holdingStatements: z.array(HoldingStatement).max(20).default([]),
  escalationContacts: z.array(EscalationContact).max(50).default([]),
  internalChannels: z.array(InternalChannel).max(20).default([]),
  pausePublishing: z.boolean().default(false),
  /** On resolution, held items go back to scheduled in order (release) or stay for rescheduling. */
  onResolve: z.enum(PAUSE_RESUME_MODES).default('release'),
  /** A stricter approval policy for the brand's new approval requests while the incident is open. */
  incidentApprovalPolicy: IncidentApprovalPolicy.nullable().default(null),
  /** Clients of the brand may read its incidents from this playbook. */
  informClients: z.boolean().default(false),
  reviewCadenceDays: z.number().int().min(1).max(730).default(90)
}

function definitionRules (v: { severityLevels?: Array<{ level: string }>, triggers?: { metricRules: Array<{ severity?: string }> } }, ctx: z.RefinementCtx) {
  const levels = (v.severityLevels ?? []).map((l) => l.level)
  if (new Set(levels).size !== levels.length) ctx.addIssue({ code: 'custom', path: ['severityLevels'], message: 'levels must be unique' })
  v.triggers?.metricRules.forEach((r, i) => {
    if (r.severity && v.severityLevels && !levels.includes(r.severity)) ctx.addIssue({ code: 'custom', path: ['triggers', 'metricRules', i, 'severity'], message: 'must be one of the severity levels' })
  })
}

export const PlaybookDefinition = z.strictObject(definitionShape).superRefine(definitionRules)
export type PlaybookDefinition = z.infer<typeof PlaybookDefinition>
export const CreatePlaybookBody = PlaybookDefinition
export type CreatePlaybookInput = PlaybookDefinition

/** Any subset of the definition; the result is validated whole and becomes the next version. */
export const UpdatePlaybookBody = z.strictObject({
  name: definitionShape.name.optional(),
  scenario: z.string().trim().max(5000).optional(),
  brandIds: brandIdsSchema.nullable().optional(),
  severityLevels: z.array(SeverityLevel).min(1).max(10).optional(),
  triggers: z.strictObject({
    manual: z.boolean().default(true),
    metricRules: z.array(MetricRule).max(20).default([])
  }).optional(),
  steps: z.array(Step).max(50).optional(),
  holdingStatements: z.array(HoldingStatement).max(20).optional(),
  escalationContacts: z.array(EscalationContact).max(50).optional(),
  internalChannels: z.array(InternalChannel).max(20).optional(),
  pausePublishing: z.boolean().optional(),
  onResolve: z.enum(PAUSE_RESUME_MODES).optional(),
  incidentApprovalPolicy: IncidentApprovalPolicy.nullable().optional(),
  informClients: z.boolean().optional(),
  reviewCadenceDays: z.number().int().min(1).max(730).optional()
}).superRefine(definitionRules)
export type UpdatePlaybookInput = z.infer<typeof UpdatePlaybookBody>

export const PlaybookListQuery = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  include: includeSchema,
  sort: sortSchema(['createdAt'], '-createdAt'),
  brandId: z.uuid().optional(),
  reviewDue: z.enum(['true', 'false']).optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type PlaybookListQuery = z.infer<typeof PlaybookListQuery>

const DefinitionOut = z.object({
  name: z.string(),
  scenario: z.string(),
  brandIds: z.array(z.uuid()).nullable(),
  severityLevels: z.array(z.object({ level: z.string(), definition: z.string() })),
  triggers: z.object({
    manual: z.boolean(),
    metricRules: z.array(z.object({
      metric: z.string(),
      threshold: z.number(),
      windowMinutes: z.number().int(),
      cooldownMinutes: z.number().int(),
      activate: z.boolean(),
      severity: z.string().optional()
    }))
  }),
  steps: z.array(z.object({
    title: z.string(),
    instructions: z.string(),
    ownerRole: z.string().optional(),
    ownerMemberId: z.uuid().optional(),
    responseTargetMinutes: z.number().int()
  })),
  holdingStatements: z.array(z.object({ platform: z.string(), body: z.string() })),
  escalationContacts: z.array(z.object({ name: z.string(), role: z.string().optional(), email: z.string().optional(), phone: z.string().optional() })),
  internalChannels: z.array(z.object({ kind: z.string(), target: z.string() })),
  pausePublishing: z.boolean(),
  onResolve: z.enum(PAUSE_RESUME_MODES),
  incidentApprovalPolicy: z.object({
    name: z.string(),
    steps: z.array(z.object({ name: z.string(), roles: z.array(StepRoleSchema), memberIds: z.array(z.uuid()), mode: ApprovalModeSchema }))
  }).nullable(),
  informClients: z.boolean(),
  reviewCadenceDays: z.number().int()
})

export const PlaybookSchema = DefinitionOut.extend({
  id: z.uuid(),
  version: z.number().int(),
  reviewedAt: z.string(),
  reviewDueAt: z.string(),
  reviewDue: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type PlaybookDto = z.infer<typeof PlaybookSchema>

export const PlaybookVersionSchema = z.object({
  playbookId: z.uuid(),
  version: z.number().int(),
  definition: DefinitionOut,
  createdBy: ActorRef,
  createdAt: z.string()
})
export type PlaybookVersionDto = z.infer<typeof PlaybookVersionSchema>

export const VersionParams = z.strictObject({ id: z.uuid(), version: z.coerce.number().int().min(1).max(1000000) })

export const ActivateBody = z.strictObject({
  brandId: z.uuid(),
  severity: z.string().trim().min(1).max(50),
  commanderId: z.uuid().optional(),
  note: z.string().trim().min(1).max(5000).optional()
})
export type ActivateInput = z.infer<typeof ActivateBody>

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
  limit: limitSchema,
  cursor: cursorSchema,
  include: includeSchema,
  sort: sortSchema(['createdAt'], '-createdAt'),
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
