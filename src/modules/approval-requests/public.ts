// What other modules may use of approval requests: `app.approvalRequests` (deciding, for guest
// review; reading a guest's own request), the wire shapes guest review reuses, the events.
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
