import { type Role } from '../../lib/actor.js'
import { iso } from '../../lib/http.js'
import { isClientStep } from '../approval-policies/public.js'
import type { ApprovalDecisionRow, ApprovalRequestRow } from './approval-requests.repository.js'
import type { ActorRefDto, ApprovalDecisionDto, ApprovalRequestDto, ApprovalRequestStepDto } from './approval-requests.schemas.js'

// Rows → replies, as pure functions. Who a decider is (an email, a key's name) is shown only to
// callers who may read the member list: the agency team, not clients or guest reviewers.

export function actorRef (type: ActorRefDto['type'], id: string | null, label: string | null, show: boolean): ActorRefDto {
  return { type, id, label: show ? label : null }
}

/**
 * `show`: the reader is on the agency's team. Clients and guests see who decided only as a type
 * and id, and the comments of decisions at client steps only: what the internal review said
 * stays internal, as internal comments do (the timeline and the guest page hide them too).
 */
export function toDecisionDto (d: ApprovalDecisionRow, step: { name: string, roles?: readonly Role[] | null }, show: boolean): ApprovalDecisionDto {
  return {
    id: d.id,
    requestId: d.requestId,
    step: d.step,
    stepName: step.name,
    decision: d.decision,
    comment: show || isClientStep(step) ? d.comment : null,
    actor: actorRef(d.actorType, d.actorId, d.actorLabel, show),
    createdAt: iso(d.createdAt)!
  }
}

function stepStatus (row: ApprovalRequestRow, index: number): ApprovalRequestStepDto['status'] {
  if (index < row.currentStep) return 'approved'
  if (index > row.currentStep) return 'pending'
  return row.status === 'open' ? 'in_progress' : row.status === 'approved' ? 'approved' : row.status
}

export function toRequestDto (row: ApprovalRequestRow, decisions: readonly ApprovalDecisionRow[], show: boolean, now = Date.now()): ApprovalRequestDto {
  const steps = row.steps.map((s, index): ApprovalRequestStepDto => {
    const approvals = decisions.filter((d) => d.step === index && d.decision === 'approve')
    const status = stepStatus(row, index)
    return {
      index,
      name: s.name,
      roles: s.roles ?? [],
      memberIds: s.memberIds ?? [],
      mode: s.mode,
      clientStep: isClientStep(s),
      eligibleMemberIds: s.eligibleMemberIds ?? [],
      status,
      approvedBy: approvals.map((d) => ({ actor: actorRef(d.actorType, d.actorId, d.actorLabel, show), decidedAt: iso(d.createdAt)! })),
      completedAt: status === 'approved' && approvals.length ? iso(approvals[approvals.length - 1].createdAt) : null
    }
  })
  return {
    id: row.id,
    brandId: row.brandId,
    contentItemId: row.contentItemId,
    revision: row.revision,
    policyId: row.policyId,
    policyName: row.policyName,
    status: row.status,
    currentStep: row.currentStep,
    steps,
    decisions: decisions.map((d) => toDecisionDto(d, row.steps[d.step] ?? { name: '' }, show)),
    dueAt: iso(row.dueAt),
    overdue: row.status === 'open' && row.dueAt !== null && row.dueAt.getTime() < now,
    submittedBy: actorRef(row.submittedByType, row.submittedById, row.submittedByLabel, show),
    closedAt: iso(row.closedAt),
    version: row.version,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!
  }
}

/** Replies for many rows, given every decision of them (one statement upstream). */
export function toRequestDtos (rows: readonly ApprovalRequestRow[], decisions: readonly ApprovalDecisionRow[], show: boolean): ApprovalRequestDto[] {
  const byRequest = new Map<string, ApprovalDecisionRow[]>()
  for (const d of decisions) byRequest.set(d.requestId, [...(byRequest.get(d.requestId) ?? []), d])
  const now = Date.now()
  return rows.map((r) => toRequestDto(r, byRequest.get(r.id) ?? [], show, now))
}
