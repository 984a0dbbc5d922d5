import type { Role } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import { isClientStep } from '../approval-policies/public.js'
import type { ApprovalStep } from '../../db/tables/brands.js'

// The approval workflow as pure functions: no database, no clock, no I/O. The service that
// persists requests (submission, decisions) loads the state, asks this module what a decision
// does, and writes exactly what it answers. Keeping the rules here means they are unit-tested
// exhaustively and cannot drift between REST, GraphQL and guest review.
//
// Who may decide, in one place:
// - At submission, every step is frozen into the request together with `eligibleMemberIds`:
//   the active members who then hold one of the step's roles or are named in its memberIds,
//   who can see the brand, and who are not the content's author. Editing the policy, or
//   hiring a new manager, does not change a request already open (resubmitting refreezes).
// - A member may decide at the current step when they are in that frozen set AND still
//   qualify now (role or memberIds, brand grant): a demotion or a withdrawn brand grant takes
//   effect at once.
// - A guest review link may decide at a client step (one whose roles include `client`).
// - API keys never decide: a decision is a person's judgement and is audited as such.
// - mode 'any': the first approval completes the step. mode 'all': every frozen member must
//   approve (guest approvals count towards a client step but never replace a frozen member;
//   a client step with no frozen member completes on its first approval).
// - request_changes and reject close the request at once, whatever the mode.
// - Arriving at a step that has moved on (an approver of a completed step) is a conflict (409
//   step_completed), not a refusal of rights: what they came to decide was decided meanwhile.

export type ApprovalMode = 'any' | 'all'
export type RequestStatus = 'open' | 'approved' | 'changes_requested' | 'rejected' | 'invalidated'
export type Decision = 'approve' | 'request_changes' | 'reject'
export type DeciderType = 'member' | 'guest' | 'api_key'

/** A policy step as copied into a request at submission, with its deciders frozen. */
export interface FrozenStep {
  name: string
  roles: Role[]
  memberIds: string[]
  mode: ApprovalMode
  /** Members who could decide at submission (see resolveEligible); for 'all', who must approve. */
  eligibleMemberIds: string[]
}

/** What resolveEligible needs to know about each active member of the organization. */
export interface EligibleMember {
  id: string
  role: Role
  /** null: every brand. */
  brandIds: readonly string[] | null
}

export type DeciderActor =
  | { kind: 'member', id: string, role: Role, brandIds: readonly string[] | null }
  /** A guest review link; `id` is the link's id. */
  | { kind: 'guest', id: string }
  | { kind: 'api_key', id: string }

export interface DecisionRecord {
  step: number
  decision: Decision
  actorType: DeciderType
  actorId: string
}

export interface RequestState {
  status: RequestStatus
  /** Index of the step collecting decisions (steps.length once approved). */
  currentStep: number
  steps: readonly FrozenStep[]
  decisions: readonly DecisionRecord[]
  brandId: string
  /** The content item's author (membership or API-key id); null when unknown. */
  authorId: string | null
}

export type RefusalReason = 'api_key' | 'request_closed' | 'own_content' | 'not_an_approver' | 'step_completed' | 'already_decided'

export interface Refusal {
  status: 403 | 409
  code: 'HERALD_FORBIDDEN' | 'HERALD_USER_REQUIRED' | 'HERALD_CONFLICT'
  reason: RefusalReason
  detail: string
}

export type EngineEventType = 'approval.decided' | 'content_item.approved' | 'content_item.changes_requested' | 'content_item.rejected'

export interface EngineEvent {
  type: EngineEventType
  /** The engine's part of the payload; the caller adds the request and content ids. */
  data: Record<string, unknown>
}

export interface DecisionOutcome {
  /** The decision row to insert. */
  record: DecisionRecord
  /** The request's status after the decision. */
  status: RequestStatus
  /** The request's current step after the decision (steps.length once approved). */
  currentStep: number
  /** Whether this decision completed the step it was made at. */
  stepCompleted: boolean
  /** Whether the request is closed now (set closedAt). */
  closed: boolean
  /** What the content item becomes; null: unchanged (it stays in_review). */
  contentStatus: 'approved' | 'changes_requested' | 'draft' | null
  /** Events to record, in this order, in the decision's transaction. */
  events: EngineEvent[]
}

export type DecideResult = { ok: true, outcome: DecisionOutcome } | { ok: false, refusal: Refusal }

function qualifies (step: { roles?: readonly Role[] | null, memberIds?: readonly string[] | null }, m: { id: string, role: Role, brandIds: readonly string[] | null }, brandId: string): boolean {
  const seesBrand = m.brandIds === null || m.brandIds.includes(brandId)
  return seesBrand && ((step.roles ?? []).includes(m.role) || (step.memberIds ?? []).includes(m.id))
}

/**
 * Freezes a policy's steps for one submission: for each step, the active members (pass only
 * active ones) who qualify now, minus the author, who never decides on their own content.
 */
export function resolveEligible (steps: readonly ApprovalStep[], members: readonly EligibleMember[], opts: { brandId: string, authorId: string | null }): FrozenStep[] {
  return steps.map((s) => ({
    name: s.name,
    roles: [...(s.roles ?? [])],
    memberIds: [...(s.memberIds ?? [])],
    mode: s.mode,
    eligibleMemberIds: [...new Set(members.filter((m) => m.id !== opts.authorId && qualifies(s, m, opts.brandId)).map((m) => m.id))]
  }))
}

/**
 * Indices of frozen steps nobody could ever decide: no eligible member, and not a client step
 * (which a guest link can still decide). Submission must refuse these (422), or the request
 * would wait forever.
 */
export function unreachableSteps (steps: readonly FrozenStep[]): number[] {
  return steps.flatMap((s, i) => (s.eligibleMemberIds.length === 0 && !isClientStep(s) ? [i] : []))
}

const refuse = (status: Refusal['status'], code: Refusal['code'], reason: RefusalReason, detail: string): Refusal => ({ status, code, reason, detail })

/** Why this actor may not decide at the request's current step, or null when they may. */
export function checkDecider (state: RequestState, actor: DeciderActor): Refusal | null {
  if (actor.kind === 'api_key') {
    return refuse(403, 'HERALD_USER_REQUIRED', 'api_key', 'Approval decisions are made by people; API keys cannot decide.')
  }
  if (state.status !== 'open') {
    return refuse(409, 'HERALD_CONFLICT', 'request_closed', `This approval request is ${state.status}; it takes no more decisions.`)
  }
  const step = state.steps[state.currentStep]
  if (!step) return refuse(409, 'HERALD_CONFLICT', 'request_closed', 'This approval request has no step left to decide.')
  if (actor.kind === 'member' && state.authorId !== null && actor.id === state.authorId) {
    return refuse(403, 'HERALD_FORBIDDEN', 'own_content', 'The author of the content cannot decide on its approval.')
  }
  const allowed = actor.kind === 'guest'
    ? isClientStep(step)
    : step.eligibleMemberIds.includes(actor.id) && qualifies(step, actor, state.brandId)
  if (!allowed) {
    // An approver of an earlier step, arriving after that step completed (typically a second
    // 'any' approver racing the first): the state moved under them, which is a conflict, not
    // a lack of rights.
    const earlier = state.steps.slice(0, state.currentStep).findIndex((s) => (actor.kind === 'guest' ? isClientStep(s) : s.eligibleMemberIds.includes(actor.id)))
    if (earlier >= 0) {
      return refuse(409, 'HERALD_CONFLICT', 'step_completed', `Step "${state.steps[earlier].name}" is already complete; the request is now at step "${step.name}" (step ${state.currentStep + 1} of ${state.steps.length}), which you do not decide.`)
    }
    return refuse(403, 'HERALD_FORBIDDEN', 'not_an_approver', `You are not an approver of the current step "${step.name}" (step ${state.currentStep + 1} of ${state.steps.length}).`)
  }
  const decided = state.decisions.some((d) => d.step === state.currentStep && d.actorType === actor.kind && d.actorId === actor.id)
  if (decided) return refuse(409, 'HERALD_CONFLICT', 'already_decided', `You have already decided at step "${step.name}".`)
  return null
}

/** Whether a step's approvals (including a new one) complete it. */
export function stepComplete (step: FrozenStep, approvals: readonly DecisionRecord[]): boolean {
  if (approvals.length === 0) return false
  if (step.mode === 'any') return true
  const approvedBy = new Set(approvals.filter((d) => d.actorType === 'member').map((d) => d.actorId))
  return step.eligibleMemberIds.every((id) => approvedBy.has(id))
}

/** What a decision does to a request: refused, or its new state and the events to write. */
export function decide (state: RequestState, actor: DeciderActor, decision: Decision): DecideResult {
  const refusal = checkDecider(state, actor)
  if (refusal) return { ok: false, refusal }
  const stepIndex = state.currentStep
  const step = state.steps[stepIndex]
  const record: DecisionRecord = { step: stepIndex, decision, actorType: actor.kind, actorId: actor.id }
  const decided = (status: RequestStatus, currentStep: number): EngineEvent => ({
    type: 'approval.decided',
    data: { step: stepIndex, stepName: step.name, decision, status, currentStep }
  })

  if (decision === 'request_changes') {
    return { ok: true, outcome: { record, status: 'changes_requested', currentStep: stepIndex, stepCompleted: false, closed: true, contentStatus: 'changes_requested', events: [decided('changes_requested', stepIndex), { type: 'content_item.changes_requested', data: { step: stepIndex, stepName: step.name } }] } }
  }
  if (decision === 'reject') {
    return { ok: true, outcome: { record, status: 'rejected', currentStep: stepIndex, stepCompleted: false, closed: true, contentStatus: 'draft', events: [decided('rejected', stepIndex), { type: 'content_item.rejected', data: { step: stepIndex, stepName: step.name } }] } }
  }
  const approvals = [...state.decisions.filter((d) => d.step === stepIndex && d.decision === 'approve'), record]
  if (!stepComplete(step, approvals)) {
    return { ok: true, outcome: { record, status: 'open', currentStep: stepIndex, stepCompleted: false, closed: false, contentStatus: null, events: [decided('open', stepIndex)] } }
  }
  const next = stepIndex + 1
  if (next < state.steps.length) {
    return { ok: true, outcome: { record, status: 'open', currentStep: next, stepCompleted: true, closed: false, contentStatus: null, events: [decided('open', next)] } }
  }
  return { ok: true, outcome: { record, status: 'approved', currentStep: next, stepCompleted: true, closed: true, contentStatus: 'approved', events: [decided('approved', next), { type: 'content_item.approved', data: { steps: state.steps.length } }] } }
}

/** The refusal as the error a route or resolver throws (problem+json / extensions.code). */
export function refusalError (r: Refusal): AppError {
  return new AppError(r.code, r.detail, { extra: { reason: r.reason } })
}

/**
 * Whether an item's latest request approves what the item would publish now: it is approved,
 * and of the item's current revision or of one that publishes the same thing. `same` compares
 * the approved revision with the current one, and is asked only when they differ (its answer
 * may need a read). The one rule behind the transition guards and GET …/approval.
 */
export async function approvalStands (latest: { status: string, revision: number } | undefined, currentRevision: number,
  same: (approved: number, current: number) => boolean | Promise<boolean>): Promise<boolean> {
  if (latest?.status !== 'approved') return false
  return latest.revision === currentRevision || await same(latest.revision, currentRevision)
}
