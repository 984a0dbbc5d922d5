// What other modules may use of approval requests: `app.approvalRequests` (deciding, for guest
// review; reading a guest's own request), the wire shapes guest review reuses, the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { ApprovalRequestSchema, RequestStatusSchema, DecisionKindSchema } from './approval-requests.schemas.js'
import type { ApprovalRequestsService } from './approval-requests.service.js'

export type { ApprovalRequestsService } from './approval-requests.service.js'
export type { ApprovalRequestDto, DecisionInput, DecisionResultDto } from './approval-requests.schemas.js'
export { DecisionBody, DecisionResultSchema } from './approval-requests.schemas.js'

export const APPROVAL_REQUEST_EVENTS = {
  'approval_request.opened': 'A content item was submitted: an approval request opened, bound to the submitted revision, with its steps and approvers frozen.',
  'approval_request.invalidated': 'An approval request no longer stands: what it approved was edited, or the item left review. Resubmitting opens a new one.',
  'approval_request.overdue': 'An open approval request passed its due date (announced once), so an integration can escalate.',
  'approval.decided': 'Someone decided at a step of an approval request: approve, request changes or reject, with their comment.',
  'content_item.approved': 'The last step approved (or an approval given in advance, `preApproved: true`, e.g. a crisis playbook\'s holding statement): the content item is approved and may be scheduled.',
  'content_item.changes_requested': 'A reviewer asked for changes: the item waits for an edit and a new submission.',
  'content_item.rejected': 'A reviewer rejected the item: it went back to draft.'
} as const

const ofRequest = { requestId: z.uuid(), contentItemId: z.uuid(), revision: z.number().int().describe('The content revision the request reviews.') }
const comment = z.string().nullable().describe("The decider's comment, if any.")
const atStep = { ...ofRequest, step: z.number().int(), stepName: z.string(), comment }

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const APPROVAL_REQUEST_EVENT_DATA = {
  'approval_request.opened': z.strictObject({ contentItemId: z.uuid(), policySource: z.string().describe('Where the policy came from (campaign, brand, organization).'), request: ApprovalRequestSchema }),
  'approval_request.invalidated': z.strictObject({
    ...ofRequest,
    previousStatus: RequestStatusSchema,
    reason: z.string().describe('Why it no longer stands: edited, or the transition that ended the review.'),
    changed: z.array(z.string()).optional().describe('When edited: the fields that changed.'),
    contentRevision: z.number().int().optional().describe("When edited: the item's new revision."),
    contentStatus: z.string().optional().describe('When the item left review: its new status.')
  }),
  'approval_request.overdue': z.strictObject({ ...ofRequest, dueAt: z.string().nullable(), currentStep: z.number().int(), stepName: z.string().nullable() }),
  'approval.decided': z.strictObject({ ...atStep, decision: DecisionKindSchema, status: RequestStatusSchema, currentStep: z.number().int() }),
  'content_item.approved': z.strictObject({
    ...ofRequest,
    steps: z.number().int().describe('Steps the request had (0 when approved in advance).'),
    comment: comment.optional(),
    preApproved: z.literal(true).optional().describe('Approved in advance (e.g. a crisis holding statement).'),
    source: z.string().optional().describe('When pre-approved: what approved it.'),
    incidentId: z.uuid().optional(),
    playbookId: z.uuid().optional(),
    playbookVersion: z.number().int().optional()
  }),
  'content_item.changes_requested': z.strictObject(atStep),
  'content_item.rejected': z.strictObject(atStep)
} satisfies EventDataSchemas<typeof APPROVAL_REQUEST_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof APPROVAL_REQUEST_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * list/get/decide, and for guest review: `decide(ctx, requestId, input)` (a guest decides
     * its own request at a client step) and `getForGuest(ctx, requestId)`. `scanOverdue()`
     * runs one overdue scan and returns the ids it announced.
     */
    approvalRequests: ApprovalRequestsService & { scanOverdue: () => Promise<string[]> }
  }
}
