// What other modules may use of crisis: `app.crisis` (is a brand paused, for the publisher's
// hand-over; activating a playbook, for metric triggers), the reply shapes and the events.
import type { IncidentsService } from './incidents.service.js'
import type { PausesService } from './pauses.service.js'
import type { PlaybooksService } from './playbooks.service.js'
import type { StatementsService } from './statements.service.js'
import type { ReportsService } from './reports.service.js'

export type { IncidentDto, PauseDto, PlaybookDto } from './crisis.schemas.js'

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
