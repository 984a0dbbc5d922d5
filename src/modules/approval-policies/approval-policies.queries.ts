import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { approvalPolicies, brands } from '../../db/tables/brands.js'
import { campaigns } from '../../db/tables/campaigns.js'
import type { ApprovalPolicyRow } from './approval-policies.repository.js'

// Read-only: which brands and campaigns name a policy, and which policy applies to a brand's
// (or campaign's) content. Brands and campaigns own those references; this module only reads.

export interface PolicyUsers {
  brands: Array<{ id: string, name: string }>
  campaigns: Array<{ id: string, name: string }>
}

export function createApprovalPoliciesQueries () {
  return {
    /** Brands and campaigns that name this policy as theirs (one statement). */
    async usedBy (orgId: string, id: string, db: Database): Promise<PolicyUsers> {
      const rows = await db.select({ kind: sql<'brand' | 'campaign'>`'brand'`, id: brands.id, name: brands.name }).from(brands)
        .where(and(eq(brands.organizationId, orgId), eq(brands.approvalPolicyId, id)))
        .unionAll(db.select({ kind: sql<'brand' | 'campaign'>`'campaign'`, id: campaigns.id, name: campaigns.name }).from(campaigns)
          .where(and(eq(campaigns.organizationId, orgId), eq(campaigns.approvalPolicyId, id))))
      return {
        brands: rows.filter((r) => r.kind === 'brand').map(({ id, name }) => ({ id, name })),
        campaigns: rows.filter((r) => r.kind === 'campaign').map(({ id, name }) => ({ id, name }))
      }
    },

    /**
     * The policy that applies to a brand's content, in one statement: the campaign's (when the
     * campaign is of that brand and names one), else the brand's. `found` is false when the
     * brand does not exist in this organization.
     */
    async effective (orgId: string, brandId: string, campaignId: string | null, db: Database): Promise<{ found: boolean, source: 'campaign' | 'brand' | null, policy: ApprovalPolicyRow | null }> {
      const campaignPolicy = campaignId
        ? sql<string | null>`(SELECT ${campaigns.approvalPolicyId} FROM ${campaigns} WHERE ${campaigns.organizationId} = ${orgId} AND ${campaigns.id} = ${campaignId} AND ${campaigns.brandId} = ${brandId})`
        : sql<string | null>`NULL::uuid`
      const [row] = await db.select({ campaignPolicyId: campaignPolicy, policy: approvalPolicies })
        .from(brands)
        .leftJoin(approvalPolicies, and(
          eq(approvalPolicies.organizationId, orgId),
          eq(approvalPolicies.id, sql`coalesce(${campaignPolicy}, ${brands.approvalPolicyId})`)
        ))
        .where(and(eq(brands.organizationId, orgId), eq(brands.id, brandId)))
      if (!row) return { found: false, source: null, policy: null }
      if (!row.policy) return { found: true, source: null, policy: null }
      return { found: true, source: row.campaignPolicyId === row.policy.id ? 'campaign' : 'brand', policy: row.policy }
    }
  }
}
export type ApprovalPoliciesQueries = ReturnType<typeof createApprovalPoliciesQueries>
