import { and, asc, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { anyOf } from '../../db/any-of.js'
import { prepared, type Database } from '../../db/client.js'
import { brands } from '../../db/tables/brands.js'
import { campaigns } from '../../db/tables/campaigns.js'
import { memberships } from '../../db/tables/members.js'
import { socialAccounts } from '../../db/tables/social-accounts.js'
import { contentItems, contentTargets, type MediaItem } from '../../db/tables/content-items.js'

// Read-only: what content needs of rows other modules own. The few facts its rules check
// (brands, campaigns, members, social accounts) are read by id, many at once, so checking a
// bulk of 100 items costs four statements; a target's platform is its social account's.
// Only their owners write those rows.

/**
 * An item's targets as one JSON column of the item's own row (each with its account's
 * platform), so reading items with their targets is one statement, not two round trips.
 */
export const targetsJson = sql<TargetRow[]>`(SELECT coalesce(json_agg(json_build_object(
    'id', t.id, 'contentItemId', t.content_item_id, 'socialAccountId', t.social_account_id, 'platform', a.platform,
    'position', t.position, 'body', t.body, 'media', t.media, 'firstComment', t.first_comment) ORDER BY t.position), '[]')
  FROM ${contentTargets} t JOIN ${socialAccounts} a ON a.id = t.social_account_id
  WHERE t.content_item_id = "content_items"."id" AND t.organization_id = "content_items"."organization_id")`

/** Items with a target on this platform (a condition for lists). */
export const goesToPlatform = (platform: string | SQLWrapper): SQL =>
  sql`exists (select 1 from ${contentTargets} join ${socialAccounts} on ${socialAccounts.id} = ${contentTargets.socialAccountId} where ${contentTargets.contentItemId} = ${contentItems.id} and ${socialAccounts.platform} = ${platform})`

export interface TargetRow {
  id: string
  contentItemId: string
  socialAccountId: string
  platform: AccountFacts['platform']
  position: number
  body: string | null
  media: MediaItem[] | null
  firstComment: string | null
}

/** The targets of these items, each with its account's platform, in order. */
export async function targetsFor (orgId: string, itemIds: readonly string[], db: Database): Promise<TargetRow[]> {
  if (itemIds.length === 0) return []
  return await db.select({
    id: contentTargets.id,
    contentItemId: contentTargets.contentItemId,
    socialAccountId: contentTargets.socialAccountId,
    platform: socialAccounts.platform,
    position: contentTargets.position,
    body: contentTargets.body,
    media: contentTargets.media,
    firstComment: contentTargets.firstComment
  }).from(contentTargets)
    .innerJoin(socialAccounts, eq(socialAccounts.id, contentTargets.socialAccountId))
    .where(and(eq(contentTargets.organizationId, orgId), anyOf(contentTargets.contentItemId, [...itemIds])))
    .orderBy(asc(contentTargets.contentItemId), asc(contentTargets.position))
}

export interface BrandFacts { id: string, timeZone: string, status: 'active' | 'archived' }
export interface AccountFacts { id: string, brandId: string, platform: typeof socialAccounts.$inferSelect['platform'] }
export interface CampaignFacts { id: string, brandId: string }
export interface MemberFacts { id: string, status: 'invited' | 'active', brandIds: string[] | null }

// The checks of a create or an edit: built once (prepared), run with each call's ids as one array.
const inOrg = (orgColumn: PgColumn, idColumn: PgColumn) => and(eq(orgColumn, sql.placeholder('orgId')), sql`${idColumn} = ANY(${sql.placeholder('ids')})`)
const brandFacts = prepared<BrandFacts>((db) => db.select({ id: brands.id, timeZone: brands.timeZone, status: brands.status }).from(brands).where(inOrg(brands.organizationId, brands.id)))
const accountFacts = prepared<AccountFacts>((db) => db.select({ id: socialAccounts.id, brandId: socialAccounts.brandId, platform: socialAccounts.platform }).from(socialAccounts)
  .where(inOrg(socialAccounts.organizationId, socialAccounts.id)))
const campaignFacts = prepared<CampaignFacts>((db) => db.select({ id: campaigns.id, brandId: campaigns.brandId }).from(campaigns).where(inOrg(campaigns.organizationId, campaigns.id)))
const memberFacts = prepared<MemberFacts>((db) => db.select({ id: memberships.id, status: memberships.status, brandIds: memberships.brandIds }).from(memberships)
  .where(inOrg(memberships.organizationId, memberships.id)))

export function createContentQueries () {
  return {
    async brands (orgId: string, ids: readonly string[], db: Database): Promise<BrandFacts[]> {
      return ids.length === 0 ? [] : await brandFacts(db, { orgId, ids: [...ids] })
    },

    async accounts (orgId: string, ids: readonly string[], db: Database): Promise<AccountFacts[]> {
      return ids.length === 0 ? [] : await accountFacts(db, { orgId, ids: [...ids] })
    },

    async campaigns (orgId: string, ids: readonly string[], db: Database): Promise<CampaignFacts[]> {
      return ids.length === 0 ? [] : await campaignFacts(db, { orgId, ids: [...ids] })
    },

    async members (orgId: string, ids: readonly string[], db: Database): Promise<MemberFacts[]> {
      return ids.length === 0 ? [] : await memberFacts(db, { orgId, ids: [...ids] })
    }
  }
}
export type ContentQueries = ReturnType<typeof createContentQueries>
