import { z } from 'zod'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { ActorRef, RoleSchema, brandIdsSchema } from '../../lib/schemas.js'
import { BASE_METRICS } from '../../lib/metrics-vocabulary.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { PAUSE_RESUME_MODES } from '../../db/tables/crisis.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'
import { ApprovalModeSchema, ApprovalStepInput, MAX_STEPS, StepRoleSchema } from '../approval-policies/public.js'

// The wire shapes of crisis playbooks: a definition (versioned), its updates, versions and
// activation. Incidents, pauses, statements and reports: incidents.schemas.ts.

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
  ...pageParams(['createdAt'], '-createdAt'),
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
