import { and, arrayContains, asc, eq, getTableColumns, gte, lte, notInArray, sql, type SQL } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import { prepared, type Database } from '../../db/client.js'
import { asParam, type Bind } from '../../db/bind.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { preparedPages, preparedPerParent } from '../../lib/page-statements.js'
import { campaignChannels, campaigns, type KpiTarget } from '../../db/tables/campaigns.js'
import type { BrandCampaignsQuery, CampaignListQuery } from './campaigns.schemas.js'
import type { CampaignStatus } from './campaign-status.js'
import { rangeWhere } from '../../lib/time-range.js'

/**
 * A campaign as stored; `channelIds` when it was read with its channels (every read of
 * campaigns does; rows a write returns do not, and the service reads their channels after).
 */
export type CampaignRow = typeof campaigns.$inferSelect & { channelIds?: string[] }

/**
 * The campaign's channel ids, oldest channel first, as a column of the campaign's own
 * statement: a correlated subquery through campaign_channels' primary key (campaign_id, …).
 * It was a statement of its own (one more round trip) for every read of campaigns, the nested
 * GraphQL query's included, though it asks for no channels. The subquery keeps the tenant
 * filter (the campaign's organization) and row-level security applies to it as to any read.
 */
// Written out, not with drizzle's columns: a single-table select renders its columns unqualified
// ("id"), which inside the subquery would name campaign_channels' own.
const channelIds = sql<string[]>`array(select cc.social_account_id from campaign_channels cc where cc.organization_id = "campaigns"."organization_id" and cc.campaign_id = "campaigns"."id" order by cc.created_at, cc.social_account_id)`.as('channel_ids')
const READ = { ...getTableColumns(campaigns), channelIds }
const byId = prepared<CampaignRow>((db) => db.select(READ).from(campaigns).where(and(eq(campaigns.organizationId, sql.placeholder('orgId')), eq(campaigns.id, sql.placeholder('id')))))
const byIds = prepared<CampaignRow>((db) => db.select(READ).from(campaigns).where(and(eq(campaigns.organizationId, sql.placeholder('orgId')), sql`${campaigns.id} = ANY(${sql.placeholder('ids')})`)))

/** The stored fields of a campaign, as the service decided them. */
export interface CampaignValues {
  name: string
  brief: string | null
  objective: CampaignRow['objective']
  status: CampaignStatus
  startsOn: string | null
  endsOn: string | null
  budgetAmountMinor: number | null
  budgetCurrency: string | null
  /** Overrides the brand's approval policy for this campaign's content (null: the brand's). */
  approvalPolicyId: string | null
  kpiTargets: KpiTarget[]
  tags: string[]
  ownerId: string | null
}

const SORT_COLUMNS = { createdAt: campaigns.createdAt, name: campaigns.name, startsOn: campaigns.startsOn }
/** startsOn is optional: campaigns without a start date sort last either way. */
const NULLABLE = ['startsOn']

/** A list's filters; `bind` says where each value goes (src/db/bind.ts). */
function filters (q: Partial<CampaignListQuery>, bind: Bind = asParam): Array<SQL | undefined> {
  return [
    q.brandId ? eq(campaigns.brandId, bind('brandId', q.brandId)) : undefined,
    q.status ? eq(campaigns.status, bind('status', q.status)) : undefined,
    q.objective ? eq(campaigns.objective, bind('objective', q.objective)) : undefined,
    q.ownerId ? eq(campaigns.ownerId, bind('ownerId', q.ownerId)) : undefined,
    q.tag ? arrayContains(campaigns.tags, bind('tag', [q.tag])) : undefined,
    q.name ? sql`lower(btrim(${campaigns.name})) = lower(${bind('name', q.name)})` : undefined,
    q.startsOnFrom ? gte(campaigns.startsOn, bind('startsOnFrom', q.startsOnFrom)) : undefined,
    q.startsOnTo ? lte(campaigns.startsOn, bind('startsOnTo', q.startsOnTo)) : undefined
  ]
}

/** The campaigns list (REST and GraphQL's root connection), built once per shape. */
const listPages = preparedPages<typeof campaigns, CampaignRow>(campaigns, READ)
/** Brand.campaigns: a page per brand in one statement, built once per shape (and prepared by each connection). */
const pagesPerBrand = preparedPerParent<typeof campaigns, CampaignRow>(campaigns, READ)

export function createCampaignsRepository (codec: CursorCodec) {
  return {
    ...versionedRows(campaigns),

    /** A campaign with its channel ids, in one statement. */
    async findById (orgId: string, id: string, db: Database): Promise<CampaignRow | undefined> {
      const [row] = await byId(db, { orgId, id })
      return row
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<CampaignRow[]> {
      if (ids.length === 0) return []
      return await byIds(db, { orgId, ids: [...new Set(ids)] })
    },

    /** The channel ids of many campaigns in one statement, oldest channel first (for rows a write returned). */
    async channelsOf (orgId: string, campaignIds: readonly string[], db: Database): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>(campaignIds.map((id) => [id, []]))
      if (campaignIds.length === 0) return out
      const rows = await db.select({ campaignId: campaignChannels.campaignId, socialAccountId: campaignChannels.socialAccountId })
        .from(campaignChannels)
        .where(and(eq(campaignChannels.organizationId, orgId), anyOf(campaignChannels.campaignId, [...new Set(campaignIds)])))
        .orderBy(asc(campaignChannels.createdAt), asc(campaignChannels.socialAccountId))
      for (const r of rows) out.get(r.campaignId)?.push(r.socialAccountId)
      return out
    },

    async list (orgId: string, q: CampaignListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, nullable: NULLABLE, idColumn: campaigns.id, cursor: q.cursor, limit: q.limit, codec }
      return await listPages(db, { ...args, withTotal: wantsTotal(q) }, (bind) => andAll(
        eq(campaigns.organizationId, bind('orgId', orgId)),
        ...filters(q, bind),
        brandScope(campaigns.brandId, onlyBrandIds, bind),
        rangeWhere(campaigns, q, bind)))
    },

    /** One page of campaigns for each brand, in one statement (GraphQL Brand.campaigns). */
    async listPerBrand (orgId: string, brandIds: readonly string[], q: BrandCampaignsQuery, db: Database) {
      const args = {
        orgId,
        sort: parseSort(q.sort),
        columns: SORT_COLUMNS,
        nullable: NULLABLE,
        idColumn: campaigns.id,
        cursor: q.cursor,
        limit: q.limit,
        codec,
        parentColumn: campaigns.brandId,
        parentIds: brandIds,
        withTotal: wantsTotal(q),
        orgColumn: campaigns.organizationId
      }
      return await pagesPerBrand(db, args, (bind) => andAll(...filters(q, bind)))
    },

    async insert (orgId: string, brandId: string, values: CampaignValues, db: Database): Promise<CampaignRow> {
      const [row] = await db.insert(campaigns).values({ ...values, brandId, organizationId: orgId }).returning()
      return row
    },

    /** A brand's campaigns, locked (its deletion is deciding about them). */
    async ofBrandForDeletion (orgId: string, brandId: string, db: Database): Promise<CampaignRow[]> {
      return await db.select().from(campaigns).where(and(eq(campaigns.organizationId, orgId), eq(campaigns.brandId, brandId))).for('update')
    },

    /** Makes the campaign's channels exactly `accountIds`: channels kept keep their place. */
    async setChannels (orgId: string, campaignId: string, accountIds: readonly string[], db: Database): Promise<void> {
      await db.delete(campaignChannels).where(and(
        eq(campaignChannels.organizationId, orgId),
        eq(campaignChannels.campaignId, campaignId),
        accountIds.length ? notInArray(campaignChannels.socialAccountId, [...accountIds]) : undefined
      ))
      if (accountIds.length === 0) return
      await db.insert(campaignChannels)
        .values(accountIds.map((socialAccountId) => ({ organizationId: orgId, campaignId, socialAccountId })))
        .onConflictDoNothing()
    },

    /**
     * Takes a social account out of every campaign that runs on it (before the account is
     * deleted) and bumps those campaigns' versions, so cached ETags go stale. Returns them.
     */
    async dropChannel (orgId: string, accountId: string, db: Database): Promise<CampaignRow[]> {
      const removed = await db.delete(campaignChannels)
        .where(and(eq(campaignChannels.organizationId, orgId), eq(campaignChannels.socialAccountId, accountId)))
        .returning({ campaignId: campaignChannels.campaignId })
      if (removed.length === 0) return []
      return await db.update(campaigns)
        .set({ version: sql`${campaigns.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(campaigns.organizationId, orgId), anyOf(campaigns.id, removed.map((r) => r.campaignId))))
        .returning()
    }
  }
}
export type CampaignsRepository = ReturnType<typeof createCampaignsRepository>
