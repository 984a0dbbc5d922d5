import { iso } from '../../lib/http.js'
import type { EntryRow, IncidentRow, PauseRow, PlaybookRow, PlaybookVersionRow, StepRow } from './crisis.repository.js'
import type { PlaybookDefinition, PlaybookDto, PlaybookVersionDto } from './playbooks.schemas.js'
import type { EntryDto, IncidentDto, PauseDto, StepDto } from './incidents.schemas.js'

// Rows to replies: pure functions, shared by REST, GraphQL and events.

const DAY_MS = 86_400_000

export const definitionOf = (row: { definition: unknown }) => row.definition as PlaybookDefinition

export const reviewDueAt = (row: PlaybookRow): Date =>
  new Date(row.reviewedAt.getTime() + definitionOf(row).reviewCadenceDays * DAY_MS)

export function toPlaybookDto (row: PlaybookRow, now = new Date()): PlaybookDto {
  const due = reviewDueAt(row)
  return {
    ...definitionOf(row),
    id: row.id,
    version: row.version,
    reviewedAt: iso(row.reviewedAt)!,
    reviewDueAt: iso(due)!,
    reviewDue: due.getTime() <= now.getTime(),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!
  }
}

export const toVersionDto = (row: PlaybookVersionRow): PlaybookVersionDto => ({
  playbookId: row.playbookId,
  version: row.version,
  definition: definitionOf(row),
  createdBy: { type: row.actorType, id: row.actorId, label: row.actorLabel },
  createdAt: iso(row.createdAt)!
})

export function toStepDto (s: StepRow, now = new Date()): StepDto {
  return {
    id: s.id,
    position: s.position,
    title: s.title,
    instructions: s.instructions,
    ownerRole: s.ownerRole,
    ownerMemberId: s.ownerMemberId,
    responseTargetMinutes: s.responseTargetMinutes,
    dueAt: iso(s.dueAt)!,
    completedAt: iso(s.completedAt),
    completedBy: s.completedByType ? { type: s.completedByType, id: s.completedById, label: s.completedByLabel } : null,
    breached: s.breached,
    overdue: s.completedAt === null && s.dueAt.getTime() <= now.getTime()
  }
}

export function toIncidentDto (row: IncidentRow, steps: readonly StepRow[]): IncidentDto {
  const now = new Date()
  return {
    id: row.id,
    brandId: row.brandId,
    playbookId: row.playbookId,
    playbookVersion: row.playbookVersion,
    severity: row.severity,
    status: row.status,
    commanderId: row.commanderId,
    openedBy: row.openedBy === 'metric' ? 'metric' : 'manual',
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
    summary: row.summary,
    pauseId: row.pauseId,
    checklist: steps.map((s) => toStepDto(s, now)),
    version: row.version,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!
  }
}

export const toEntryDto = (e: EntryRow): EntryDto => ({
  id: e.id,
  kind: e.kind,
  body: e.body,
  data: e.data,
  actor: { type: e.actorType, id: e.actorId, label: e.actorLabel },
  createdAt: iso(e.createdAt)!
})

export const toPauseDto = (p: PauseRow): PauseDto => ({
  id: p.id,
  brandId: p.brandId,
  incidentId: p.incidentId,
  reason: p.reason,
  resumeAt: iso(p.resumeAt),
  onResume: p.onResume,
  dryRun: false,
  heldItemIds: p.heldItemIds,
  releasedItemIds: p.releasedItemIds,
  allowedItemIds: p.allowedItemIds,
  startedAt: iso(p.startedAt),
  endedAt: iso(p.endedAt)
})
