import { index, pgEnum, pgTable, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt, version } from '../../db/columns.js'
import { organizations } from '../organizations/organizations.table.js'
import { approvalPolicies } from '../approvals/approvals.table.js'

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
