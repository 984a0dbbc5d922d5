import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { ApprovalModeSchema, StepRoleSchema } from '../approval-policies/public.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

// Wire shapes of approval requests and decisions, written once: REST bodies and queries,
// GraphQL arguments (parsed with the same schemas), replies, and what guest review (another
// module) imports to take a guest's decision: `DecisionBody`.

export const MAX_DECISION_COMMENT = 5000

export const REQUEST_STATUSES = ['open', 'approved', 'changes_requested', 'rejected', 'invalidated'] as const
export const RequestStatusSchema = z.enum(REQUEST_STATUSES)
export const DecisionKindSchema = z.enum(['approve', 'request_changes', 'reject'])
export type DecisionKind = z.infer<typeof DecisionKindSchema>

/** What a step looks like from the request's point of view. */
export const STEP_STATUSES = ['pending', 'in_progress', 'approved', 'changes_requested', 'rejected', 'invalidated'] as const
export const StepStatusSchema = z.enum(STEP_STATUSES)

/** POST /v1/approval-requests/{id}/decisions, GraphQL decideApprovalRequest, guest decisions. */
export const DecisionBody = z.strictObject({
  decision: DecisionKindSchema,
  /** Why; trimmed, and an empty comment is no comment. */
  comment: z.string().max(MAX_DECISION_COMMENT).transform((s) => s.trim() || null).nullable().optional()
})
export type DecisionInput = z.input<typeof DecisionBody>

/** Who did something. `label` (an email, a key's name) only for callers who may read members. */
export const ActorRefSchema = z.object({
  type: z.enum(['member', 'api_key', 'guest', 'system']),
  id: z.uuid().nullable(),
  label: z.string().nullable()
})
export type ActorRefDto = z.infer<typeof ActorRefSchema>

export const ApprovalDecisionSchema = z.object({
  id: z.uuid(),
  requestId: z.uuid(),
  /** Index of the step it was made at. */
  step: z.number().int(),
  stepName: z.string(),
  decision: DecisionKindSchema,
  comment: z.string().nullable(),
  actor: ActorRefSchema,
  createdAt: z.string()
})
export type ApprovalDecisionDto = z.infer<typeof ApprovalDecisionSchema>

export const ApprovalRequestStepSchema = z.object({
  index: z.number().int(),
  name: z.string(),
  roles: z.array(StepRoleSchema),
  memberIds: z.array(z.uuid()),
  mode: ApprovalModeSchema,
  /** A step a guest review link may decide (its roles include client). */
  clientStep: z.boolean(),
  /** The members who could decide it, frozen at submission (for mode all: who must approve). */
  eligibleMemberIds: z.array(z.uuid()),
  status: StepStatusSchema,
  /** Who approved at this step and when. */
  approvedBy: z.array(z.object({ actor: ActorRefSchema, decidedAt: z.string() })),
  /** When the step was completed (its last needed approval); null while not complete. */
  completedAt: z.string().nullable()
})
export type ApprovalRequestStepDto = z.infer<typeof ApprovalRequestStepSchema>

export const ApprovalRequestSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  contentItemId: z.uuid(),
  /** The content revision submitted for review. */
  revision: z.number().int(),
  policyId: z.uuid().nullable(),
  policyName: z.string(),
  status: RequestStatusSchema,
  /** Index of the step collecting decisions; steps.length once approved. */
  currentStep: z.number().int(),
  steps: z.array(ApprovalRequestStepSchema),
  decisions: z.array(ApprovalDecisionSchema),
  dueAt: z.string().nullable(),
  /** Open and past its dueAt, computed when read. */
  overdue: z.boolean(),
  submittedBy: ActorRefSchema,
  closedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type ApprovalRequestDto = z.infer<typeof ApprovalRequestSchema>

/** The answer to a decision: the decision recorded and the request after it. */
export const DecisionResultSchema = z.object({
  decision: ApprovalDecisionSchema,
  request: ApprovalRequestSchema
})
export type DecisionResultDto = z.infer<typeof DecisionResultSchema>

/** GET /v1/content-items/{id}/approval: where the item's review stands. */
export const ContentApprovalSchema = z.object({
  contentItemId: z.uuid(),
  /** The item's revision now. */
  currentRevision: z.number().int(),
  /** The latest request is approved and its content is what would be published now. */
  approved: z.boolean(),
  /** The revision that was approved (null unless approved). */
  approvedRevision: z.number().int().nullable(),
  /** The latest request (null when the item was never submitted). */
  request: ApprovalRequestSchema.nullable()
})
export type ContentApprovalDto = z.infer<typeof ContentApprovalSchema>

/** true/false in a query string; a Boolean in GraphQL. */
const booleanParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])

export const ApprovalRequestListQuery = z.strictObject({
  ...pageParams(['createdAt', 'dueAt'], '-createdAt'),
  brandId: z.uuid().optional(),
  contentItemId: z.uuid().optional(),
  status: RequestStatusSchema.optional(),
  /** The index of the step collecting decisions. */
  step: z.coerce.number().int().min(0).max(100).optional(),
  /** A member who may decide at the current step now and has not yet. */
  approverId: z.uuid().optional(),
  overdue: booleanParam.optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type ApprovalRequestListQuery = z.infer<typeof ApprovalRequestListQuery>

/** ContentItem.approvalRequests in GraphQL: newest first by default, a page per item. */
export const ItemApprovalRequestsQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt')
})
export type ItemApprovalRequestsQuery = z.infer<typeof ItemApprovalRequestsQuery>
