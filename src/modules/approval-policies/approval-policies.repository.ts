import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { approvalPolicies, approvalPolicyOverrides, type ApprovalStep } from '../../db/tables/brands.js'
import type { ApprovalPolicyListQuery } from './approval-policies.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type ApprovalPolicyRow = typeof approvalPolicies.$inferSelect
export type PolicyOverrideRow = typeof approvalPolicyOverrides.$inferSelect

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
    },

    overrides: {
      /** The override in force for a brand: the most recent one not ended. */
      async active (orgId: string, brandId: string, db: Database): Promise<PolicyOverrideRow | undefined> {
        const [row] = await db.select().from(approvalPolicyOverrides)
          .where(and(eq(approvalPolicyOverrides.organizationId, orgId), eq(approvalPolicyOverrides.brandId, brandId), isNull(approvalPolicyOverrides.endedAt)))
          .orderBy(desc(approvalPolicyOverrides.createdAt), desc(approvalPolicyOverrides.id)).limit(1)
        return row
      },

      /** undefined when this source already has one for this brand (ended or not). */
      async insert (orgId: string, v: { brandId: string, name: string, steps: ApprovalStep[], sourceType: string, sourceId: string }, db: Database): Promise<PolicyOverrideRow | undefined> {
        const [row] = await db.insert(approvalPolicyOverrides).values({ ...v, organizationId: orgId }).onConflictDoNothing().returning()
        return row
      },

      /** Ends the source's override for a brand; undefined when none is in force. */
      async end (orgId: string, v: { brandId: string, sourceType: string, sourceId: string }, db: Database): Promise<PolicyOverrideRow | undefined> {
        const [row] = await db.update(approvalPolicyOverrides).set({ endedAt: new Date() })
          .where(and(
            eq(approvalPolicyOverrides.organizationId, orgId),
            eq(approvalPolicyOverrides.brandId, v.brandId),
            eq(approvalPolicyOverrides.sourceType, v.sourceType),
            eq(approvalPolicyOverrides.sourceId, v.sourceId),
            isNull(approvalPolicyOverrides.endedAt)
          )).returning()
        return row
      }
    }
  }
}
export type ApprovalPoliciesRepository = ReturnType<typeof createApprovalPoliciesRepository>
