import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { brands } from '../../db/tables/brands.js'
import { campaigns } from '../../db/tables/campaigns.js'
import { memberships } from '../../db/tables/members.js'
import { socialAccounts } from '../../db/tables/social-accounts.js'

// Read-only: the few facts content needs about rows other modules own (brands, campaigns,
// members, social accounts), read by id, many at once, so checking a bulk of 100 items costs
// four statements. Only their owners write those rows.

export interface BrandFacts { id: string, timeZone: string }
export interface AccountFacts { id: string, brandId: string, platform: typeof socialAccounts.$inferSelect['platform'] }
export interface CampaignFacts { id: string, brandId: string }
export interface MemberFacts { id: string, status: 'invited' | 'active', brandIds: string[] | null }

export function createContentQueries () {
  return {
    async brands (orgId: string, ids: readonly string[], db: Database): Promise<BrandFacts[]> {
      if (ids.length === 0) return []
      return await db.select({ id: brands.id, timeZone: brands.timeZone }).from(brands)
        .where(and(eq(brands.organizationId, orgId), inArray(brands.id, [...ids])))
    },

    async accounts (orgId: string, ids: readonly string[], db: Database): Promise<AccountFacts[]> {
      if (ids.length === 0) return []
      return await db.select({ id: socialAccounts.id, brandId: socialAccounts.brandId, platform: socialAccounts.platform }).from(socialAccounts)
        .where(and(eq(socialAccounts.organizationId, orgId), inArray(socialAccounts.id, [...ids])))
    },

    async campaigns (orgId: string, ids: readonly string[], db: Database): Promise<CampaignFacts[]> {
      if (ids.length === 0) return []
      return await db.select({ id: campaigns.id, brandId: campaigns.brandId }).from(campaigns)
        .where(and(eq(campaigns.organizationId, orgId), inArray(campaigns.id, [...ids])))
    },

    async members (orgId: string, ids: readonly string[], db: Database): Promise<MemberFacts[]> {
      if (ids.length === 0) return []
      return await db.select({ id: memberships.id, status: memberships.status, brandIds: memberships.brandIds }).from(memberships)
        .where(and(eq(memberships.organizationId, orgId), inArray(memberships.id, [...ids])))
    }
  }
}
export type ContentQueries = ReturnType<typeof createContentQueries>
