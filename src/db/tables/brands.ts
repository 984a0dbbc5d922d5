import { index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import type { Role } from '../../lib/actor.js'

// Brands and their approval policies share this file: a brand names its default policy and a
// policy belongs to a brand, so the two tables reference each other (the approvals module
// owns approval_policies; see eslint.config.js).

export const brandStatusEnum = pgEnum('brand_status', ['active', 'archived'])

export const brands = pgTable('brands', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  timeZone: text().notNull(),
  status: brandStatusEnum().notNull().default('active'),
  /** The brand's default approval policy (a campaign may override it). */
  approvalPolicyId: uuid().references((): AnyPgColumn => approvalPolicies.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('brands_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('brands_org_name_idx').on(t.organizationId, t.name, t.id),
  index('brands_approval_policy_idx').on(t.approvalPolicyId)
])

/**
 * One step of an approval policy: who may decide (members with one of `roles`, or the members
 * listed in `memberIds`; both may be given) and whether any one of them or all must approve.
 * A step that allows the client role may also be decided by a guest review link.
 */
export interface ApprovalStep {
  name: string
  roles?: Role[] | null
  memberIds?: string[] | null
  mode: 'any' | 'all'
}

export const approvalPolicies = pgTable('approval_policies', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  steps: jsonb().$type<ApprovalStep[]>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('approval_policies_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('approval_policies_brand_idx').on(t.brandId)
])

/**
 * A temporary policy that governs a brand's NEW approval requests (its campaigns' too) while
 * something is in force, e.g. a crisis playbook's stricter policy for an incident's duration.
 * Owned by the approvals module; other modules start and end one through its service. The
 * most recent override in force wins; an ended one is kept (ended_at) as history.
 */
export const approvalPolicyOverrides = pgTable('approval_policy_overrides', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  steps: jsonb().$type<ApprovalStep[]>().notNull(),
  /** What put it in force (e.g. 'incident') and its id: one override per source and brand. */
  sourceType: text().notNull(),
  sourceId: uuid().notNull(),
  createdAt: createdAt(),
  endedAt: instant()
}, (t) => [
  uniqueIndex('approval_policy_overrides_source_key').on(t.sourceType, t.sourceId, t.brandId),
  index('approval_policy_overrides_brand_idx').on(t.brandId, t.createdAt),
  index('approval_policy_overrides_org_idx').on(t.organizationId)
])
