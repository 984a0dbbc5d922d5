import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { approvalPolicies, brands, type ApprovalStep } from './brands.js'
import { contentItems } from './content-items.js'
import { actorTypeEnum } from './events.js'

export const approvalRequestStatusEnum = pgEnum('approval_request_status', ['open', 'approved', 'changes_requested', 'rejected', 'invalidated'])
export const approvalDecisionEnum = pgEnum('approval_decision', ['approve', 'request_changes', 'reject'])

/**
 * A submission of one content item at one revision. The policy's steps are copied in at
 * submission, so editing the policy never changes a request already open.
 */
export const approvalRequests = pgTable('approval_requests', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  contentItemId: uuid().notNull().references(() => contentItems.id, { onDelete: 'cascade' }),
  /** The content revision under review: an edit of what would be published invalidates it. */
  revision: integer().notNull(),
  policyId: uuid().references(() => approvalPolicies.id, { onDelete: 'set null' }),
  policyName: text().notNull(),
  steps: jsonb().$type<ApprovalStep[]>().notNull(),
  /** Index into steps of the step collecting decisions; steps.length once approved. */
  currentStep: integer().notNull().default(0),
  status: approvalRequestStatusEnum().notNull().default('open'),
  dueAt: instant(),
  /** Set when approval_request.overdue was emitted, so it is emitted once. */
  overdueNotifiedAt: instant(),
  submittedByType: actorTypeEnum().notNull(),
  submittedById: uuid(),
  submittedByLabel: text(),
  closedAt: instant(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('approval_requests_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('approval_requests_item_idx').on(t.contentItemId, t.createdAt),
  index('approval_requests_brand_idx').on(t.brandId),
  index('approval_requests_policy_idx').on(t.policyId),
  // Overdue scans look only at open requests with a due date.
  index('approval_requests_open_due_idx').on(t.dueAt).where(sql`status = 'open' AND overdue_notified_at IS NULL`),
  // At most one open request per content item.
  uniqueIndex('approval_requests_one_open_key').on(t.contentItemId).where(sql`status = 'open'`)
])

export const approvalDecisions = pgTable('approval_decisions', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  requestId: uuid().notNull().references(() => approvalRequests.id, { onDelete: 'cascade' }),
  step: integer().notNull(),
  decision: approvalDecisionEnum().notNull(),
  comment: text(),
  /** member, api_key or guest (a guest's id is its review link's id). */
  actorType: actorTypeEnum().notNull(),
  actorId: uuid().notNull(),
  actorLabel: text(),
  createdAt: createdAt()
}, (t) => [
  // Deciding twice at the same step is refused by the service; this makes it impossible.
  uniqueIndex('approval_decisions_once_key').on(t.requestId, t.step, t.actorType, t.actorId),
  index('approval_decisions_org_idx').on(t.organizationId)
])

/**
 * A signed, expiring link for a client contact without an account: it may view one request's
 * item, comment (shared) and decide at a client step — nothing else. The token is a JWT whose
 * jti is this row's id; the row makes it revocable and audited.
 */
export const approvalGuestLinks = pgTable('approval_guest_links', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  requestId: uuid().notNull().references(() => approvalRequests.id, { onDelete: 'cascade' }),
  email: text(),
  expiresAt: instant().notNull(),
  revokedAt: instant(),
  lastUsedAt: instant(),
  createdByType: actorTypeEnum().notNull(),
  createdById: uuid(),
  createdAt: createdAt()
}, (t) => [
  index('approval_guest_links_request_idx').on(t.requestId),
  index('approval_guest_links_org_created_idx').on(t.organizationId, t.createdAt, t.id)
])
