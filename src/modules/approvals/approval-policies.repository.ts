import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, parseSort, toPage, type CursorCodec } from '../../lib/pagination.js'
import { brands } from '../../db/tables/brands.js'
import { campaigns } from '../../db/tables/campaigns.js'
import { approvalPolicies, type ApprovalStep } from '../../db/tables/brands.js'
import type { ApprovalPolicyListQuery } from './approval-policies.schemas.js'

export type ApprovalPolicyRow = typeof approvalPolicies.$inferSelect

/**
 * Row locks for the policy read:
 * - 'key share' when something is about to point at the policy (a brand's or campaign's
 *   approvalPolicyId): a concurrent delete then waits for us and sees the new reference;
 * - 'update' when deleting: a concurrent reference waits, then finds the policy gone.
 */
export type PolicyLock = 'key share' | 'update'

export interface PolicyUsers {
  brands: Array<{ id: string, name: string }>
  campaigns: Array<{ id: string, name: string }>
}

export function createApprovalPoliciesRepository (codec: CursorCodec) {
  return {
    async findById (orgId: string, id: string, db: Database, lock?: PolicyLock): Promise<ApprovalPolicyRow | undefined> {
      const q = db.select().from(approvalPolicies).where(and(eq(approvalPolicies.organizationId, orgId), eq(approvalPolicies.id, id)))
      const [row] = lock ? await q.for(lock) : await q
      return row
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<ApprovalPolicyRow[]> {
      if (ids.length === 0) return []
      return await db.select().from(approvalPolicies).where(and(eq(approvalPolicies.organizationId, orgId), inArray(approvalPolicies.id, [...ids])))
    },

    /** onlyBrandIds: the caller's granted brands (null: every brand). */
    async list (orgId: string, q: ApprovalPolicyListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: approvalPolicies.createdAt, name: approvalPolicies.name }, idColumn: approvalPolicies.id, cursor: q.cursor, limit: q.limit, codec }
      const page = keyset(args)
      const rows = await db.select().from(approvalPolicies).where(andAll(
        eq(approvalPolicies.organizationId, orgId),
        q.brandId ? eq(approvalPolicies.brandId, q.brandId) : undefined,
        onlyBrandIds ? (onlyBrandIds.length ? inArray(approvalPolicies.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args, (r) => (args.sort.field === 'name' ? r.name : r.createdAt))
    },

    async insert (orgId: string, v: { brandId: string, name: string, steps: ApprovalStep[] }, db: Database): Promise<ApprovalPolicyRow> {
      const [row] = await db.insert(approvalPolicies).values({ ...v, organizationId: orgId }).returning()
      return row
    },

    /** Compare-and-set on the version. */
    async update (orgId: string, id: string, version: number, patch: { name?: string, steps?: ApprovalStep[] }, db: Database): Promise<ApprovalPolicyRow | undefined> {
      const [row] = await db.update(approvalPolicies)
        .set({ ...patch, version: sql`${approvalPolicies.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(approvalPolicies.organizationId, orgId), eq(approvalPolicies.id, id), eq(approvalPolicies.version, version)))
        .returning()
      return row
    },

    async delete (orgId: string, id: string, version: number, db: Database): Promise<boolean> {
      const rows = await db.delete(approvalPolicies)
        .where(and(eq(approvalPolicies.organizationId, orgId), eq(approvalPolicies.id, id), eq(approvalPolicies.version, version)))
        .returning({ id: approvalPolicies.id })
      return rows.length > 0
    },

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
     * Points a brand at its policy without a new brand version: used only in the transaction
     * that creates the brand, so nobody has seen version 1 without it.
     */
    async setBrandDefault (orgId: string, brandId: string, policyId: string, db: Database): Promise<void> {
      await db.update(brands).set({ approvalPolicyId: policyId })
        .where(and(eq(brands.organizationId, orgId), eq(brands.id, brandId)))
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
export type ApprovalPoliciesRepository = ReturnType<typeof createApprovalPoliciesRepository>
