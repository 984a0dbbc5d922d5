// What other modules may use of crisis: `app.crisis` (is a brand paused, for the publisher's
// hand-over; activating a playbook, for metric triggers), the reply shapes and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { ApprovalStepSchema } from '../approval-policies/public.js'
import { PlaybookSchema } from './playbooks.schemas.js'
import { EntrySchema, IncidentSchema, PauseSchema, StepSchema } from './incidents.schemas.js'
import type { IncidentsService } from './incidents.service.js'
import type { PausesService } from './pauses.service.js'
import type { PlaybooksService } from './playbooks.service.js'
import type { StatementsService } from './statements.service.js'
import type { ReportsService } from './reports.service.js'

export type { PlaybookDto } from './playbooks.schemas.js'
export type { IncidentDto, PauseDto } from './incidents.schemas.js'

export const CRISIS_EVENTS = {
  'crisis_playbook.created': 'A crisis playbook was prepared (version 1).',
  'crisis_playbook.updated': 'A crisis playbook changed: a new version was stored; open incidents keep theirs.',
  'crisis_playbook.deleted': 'A crisis playbook that never opened an incident was deleted.',
  'crisis_playbook.reviewed': 'A crisis playbook was reviewed: its review cadence counts again from now.',
  'playbook.review_due': 'A crisis playbook was not reviewed within its cadence (announced once per period).',
  'incident.opened': 'A playbook was activated for a brand: an incident opened with its checklist (and the pause, if the playbook pauses publishing).',
  'incident.acknowledged': 'An incident was acknowledged (time to acknowledge).',
  'incident.updated': "An incident's commander, severity or status (active, monitoring) changed.",
  'incident.step_completed': 'A checklist step of an incident was completed; says whether its response target was breached.',
  'incident.step_overdue': 'A checklist step passed its response target undone (announced once).',
  'incident.note_added': "A note was added to an incident's timeline.",
  'incident.statement_created': 'A pre-approved holding statement of the playbook was turned into an approved content item.',
  'incident.resolved': 'An incident was resolved with a summary (time to resolve; the items its pause held and released).',
  'metrics.threshold_crossed': "A playbook's metric rule crossed for a brand (the metric's sum over the rule's window reached its threshold; once per cooldown); names the incident it opened or found open, if the rule activates.",
  'brand.paused': 'Publishing of a brand was paused: lists the items held.',
  'brand.resumed': 'Publishing of a brand resumed: lists the items released (or left for rescheduling).'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const CRISIS_EVENT_DATA = {
  'crisis_playbook.created': z.strictObject({ playbook: PlaybookSchema }),
  'crisis_playbook.updated': z.strictObject({ playbook: PlaybookSchema, changed: z.array(z.string()).describe('The fields that changed.'), previousVersion: z.number().int() }),
  'crisis_playbook.deleted': z.strictObject({ playbookId: z.uuid(), name: z.string() }),
  'crisis_playbook.reviewed': z.strictObject({ playbookId: z.uuid(), version: z.number().int(), reviewDueAt: z.string() }),
  'playbook.review_due': z.strictObject({ playbookId: z.uuid(), name: z.string(), reviewedAt: z.string(), reviewDueAt: z.string() }),
  'incident.opened': z.strictObject({
    incident: IncidentSchema,
    playbookName: z.string(),
    approvalPolicyOverride: z.strictObject({ id: z.uuid(), name: z.string(), steps: z.array(ApprovalStepSchema) }).nullable()
      .describe("The playbook's stricter approval policy now in force for the brand's new requests; null if it has none.")
  }),
  'incident.acknowledged': z.strictObject({ incident: IncidentSchema, timeToAcknowledgeSeconds: z.number().int() }),
  'incident.updated': z.strictObject({ incident: IncidentSchema, changes: z.record(z.string(), z.unknown()).describe('The fields that changed, with their new values.') }),
  'incident.step_completed': z.strictObject({ incidentId: z.uuid(), step: StepSchema }),
  'incident.step_overdue': z.strictObject({ incidentId: z.uuid(), stepId: z.uuid(), title: z.string(), position: z.number().int(), dueAt: z.string(), responseTargetMinutes: z.number().int() }),
  'incident.note_added': z.strictObject({ incidentId: z.uuid(), note: EntrySchema }),
  'incident.statement_created': z.strictObject({ incidentId: z.uuid(), playbookId: z.uuid(), playbookVersion: z.number().int(), contentItemId: z.uuid(), platform: z.string(), status: z.string(), scheduledAt: z.string().nullable() }),
  'incident.resolved': z.strictObject({
    incident: IncidentSchema,
    timeToResolveSeconds: z.number().int(),
    heldItemIds: z.array(z.uuid()),
    releasedItemIds: z.array(z.uuid()),
    approvalPolicyOverrideEnded: z.strictObject({ id: z.uuid(), name: z.string() }).nullable().describe('The stricter approval policy this resolution ended; null if none.')
  }),
  'metrics.threshold_crossed': z.strictObject({
    playbookId: z.uuid(),
    ruleIndex: z.number().int(),
    rule: z.record(z.string(), z.unknown()).describe("The playbook's trigger rule that crossed."),
    value: z.number().nullable(),
    windowFrom: z.string(),
    windowTo: z.string(),
    incidentId: z.uuid().nullable()
  }),
  'brand.paused': z.strictObject({ pause: PauseSchema }),
  'brand.resumed': z.strictObject({ pause: PauseSchema, mode: z.string(), releasedItemIds: z.array(z.uuid()) })
} satisfies EventDataSchemas<typeof CRISIS_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof CRISIS_EVENTS, true> {}
}

export interface CrisisFacade {
  playbooks: PlaybooksService
  incidents: IncidentsService
  pauses: PausesService
  statements: StatementsService
  reports: ReportsService
}

declare module 'fastify' {
  interface FastifyInstance {
    crisis: CrisisFacade
  }
}
