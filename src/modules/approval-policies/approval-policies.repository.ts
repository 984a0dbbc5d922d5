import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, selectPage, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { approvalPolicies, type ApprovalStep } from '../../db/tables/brands.js'
import type { ApprovalPolicyListQuery } from './approval-policies.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type ApprovalPolicyRow = typeof approvalPolicies.$inferSelect

export function createApprovalPoliciesRepository (codec: CursorCodec) {
  return {
    ...versionedRows(approvalPolicies),

    /** onlyBrandIds: the caller's granted brands (null: every brand). */
    async list (orgId: string, q: ApprovalPolicyListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: approvalPolicies.createdAt, name: approvalPolicies.name }, idColumn: approvalPolicies.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, approvalPolicies, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(approvalPolicies.organizationId, orgId),
        q.brandId ? eq(approvalPolicies.brandId, q.brandId) : undefined,
        brandScope(approvalPolicies.brandId, onlyBrandIds),
        rangeWhere(approvalPolicies, q)))
    },

    async insert (orgId: string, v: { brandId: string, name: string, steps: ApprovalStep[] }, db: Database): Promise<ApprovalPolicyRow> {
      const [row] = await db.insert(approvalPolicies).values({ ...v, organizationId: orgId }).returning()
      return row
    }
  }
}
export type ApprovalPoliciesRepository = ReturnType<typeof createApprovalPoliciesRepository>
