import { type Role } from '../../lib/actor.js'
import { iso } from '../../lib/http.js'
import { isClientStep } from '../approval-policies/public.js'
import type { ApprovalDecisionRow, ApprovalRequestRow, BriefDecisionTuple } from './approval-requests.repository.js'
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

function stepDtos (row: ApprovalRequestRow, decisions: readonly ApprovalDecisionRow[], show: boolean): ApprovalRequestStepDto[] {
  return row.steps.map((s, index): ApprovalRequestStepDto => {
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
}

// A light row may have no steps (approval-requests.resolvers.ts readsFor: a query that asks of
// the decisions no step name and no comment, the two things a decision takes from its step).
const decisionDtos = (row: ApprovalRequestRow, decisions: readonly ApprovalDecisionRow[], show: boolean): ApprovalDecisionDto[] =>
  decisions.map((d) => toDecisionDto(d, (row.steps as ApprovalRequestRow['steps'] | undefined)?.[d.step] ?? { name: '' }, show))

/**
 * Brief decisions as replies with the fields a brief read's query may ask (readsFor in
 * approval-requests.resolvers.ts): its step name, comment and actor were not read, and no
 * query that gets these asks for them.
 */
const briefDecisionDtos = (requestId: string, tuples: readonly BriefDecisionTuple[]): ApprovalDecisionDto[] =>
  tuples.map(([id, step, decision, createdAt]) => ({ id, requestId, step, decision, createdAt }) as ApprovalDecisionDto)

const isOverdue = (row: ApprovalRequestRow, now: number) => row.status === 'open' && row.dueAt !== null && row.dueAt.getTime() < now

export function toRequestDto (row: ApprovalRequestRow, decisions: readonly ApprovalDecisionRow[], show: boolean, now = Date.now()): ApprovalRequestDto {
  return {
    id: row.id,
    brandId: row.brandId,
    contentItemId: row.contentItemId,
    revision: row.revision,
    policyId: row.policyId,
    policyName: row.policyName,
    status: row.status,
    currentStep: row.currentStep,
    steps: stepDtos(row, decisions, show),
    decisions: decisionDtos(row, decisions, show),
    dueAt: iso(row.dueAt),
    overdue: isOverdue(row, now),
    submittedBy: actorRef(row.submittedByType, row.submittedById, row.submittedByLabel, show),
    closedAt: iso(row.closedAt),
    version: row.version,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!
  }
}

/**
 * GraphQL's ApprovalRequest for a page of items (ContentItem.approval): the request's own
 * scalars at once, and its steps, decisions, actor and timestamps built when a resolver first
 * reads them, from the same functions as toRequestDto. A query asking `approval { status
 * decisions { decision } }` of 200 items built 400 step objects and 800 timestamps it never
 * sent (the "full approval objects built when only decisions are asked"). GraphQL only:
 * the lazy fields are getters, which JSON.stringify and object spread do not copy.
 */
export class ApprovalRequestNode implements ApprovalRequestDto {
  readonly id: string
  readonly brandId: string
  readonly contentItemId: string
  readonly revision: number
  readonly policyId: string | null
  readonly policyName: string
  readonly status: ApprovalRequestDto['status']
  readonly currentStep: number
  readonly version: number
  #steps?: ApprovalRequestStepDto[]
  #decisions?: ApprovalDecisionDto[]

  // A light row may hold only the columns its query's fields read (approval-requests.resolvers.ts
  // readsFor): the scalars below are then undefined, and never asked for.
  /** `brief`: the decisions of a brief read (readsFor: a query asking of them only fields a tuple has). */
  constructor (private readonly row: ApprovalRequestRow, private readonly rows: readonly ApprovalDecisionRow[], private readonly show: boolean, private readonly now: number, private readonly brief?: readonly BriefDecisionTuple[]) {
    this.id = row.id
    this.brandId = row.brandId
    this.contentItemId = row.contentItemId
    this.revision = row.revision
    this.policyId = row.policyId
    this.policyName = row.policyName
    this.status = row.status
    this.currentStep = row.currentStep
    this.version = row.version
  }

  get overdue (): boolean { return isOverdue(this.row, this.now) }
  get steps (): ApprovalRequestStepDto[] { return (this.#steps ??= stepDtos(this.row, this.rows, this.show)) }
  get decisions (): ApprovalDecisionDto[] { return (this.#decisions ??= this.brief ? briefDecisionDtos(this.row.id, this.brief) : decisionDtos(this.row, this.rows, this.show)) }
  get dueAt (): string | null { return iso(this.row.dueAt) }
  get submittedBy (): ActorRefDto { return actorRef(this.read('submittedByType'), this.row.submittedById, this.row.submittedByLabel, this.show) }
  get closedAt (): string | null { return iso(this.read('closedAt')) }
  get createdAt (): string { return iso(this.read('createdAt'))! }
  get updatedAt (): string { return iso(this.read('updatedAt'))! }

  /** A column a light read (approval-requests.repository.ts LIGHT_COLUMNS) did not select is a bug, not a null. */
  private read<K extends keyof ApprovalRequestRow> (column: K): ApprovalRequestRow[K] {
    if (!(column in this.row)) throw new Error(`ApprovalRequestNode: ${String(column)} was not read (a light read was chosen for a query that asks for it)`)
    return this.row[column]
  }
}

/** Replies for many rows, given every decision of them (one statement upstream). */
export function toRequestDtos (rows: readonly ApprovalRequestRow[], decisions: readonly ApprovalDecisionRow[], show: boolean): ApprovalRequestDto[] {
  const byRequest = new Map<string, ApprovalDecisionRow[]>()
  for (const d of decisions) byRequest.set(d.requestId, [...(byRequest.get(d.requestId) ?? []), d])
  const now = Date.now()
  return rows.map((r) => toRequestDto(r, byRequest.get(r.id) ?? [], show, now))
}
