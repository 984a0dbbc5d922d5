import { and, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { preparedPerParent, selectPage } from '../../lib/page-statements.js'
import { socialAccounts, type Platform } from '../../db/tables/social-accounts.js'
import type { BrandSocialAccountsQuery, CreateSocialAccountInput, SocialAccountListQuery } from './social-accounts.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type SocialAccountRow = typeof socialAccounts.$inferSelect

const SORT_COLUMNS = { createdAt: socialAccounts.createdAt, handle: socialAccounts.handle }

// Brand.socialAccounts: its statement built once per shape (and prepared by each connection).
const pagesPerBrand = preparedPerParent<typeof socialAccounts, SocialAccountRow>(socialAccounts, getTableColumns(socialAccounts))

export function createSocialAccountsRepository (codec: CursorCodec) {
  return {
    ...versionedRows(socialAccounts),

    /** The account that already holds this handle on this network (case-insensitive, like the unique index). */
    async findByHandle (orgId: string, platform: Platform, handle: string, db: Database): Promise<SocialAccountRow | undefined> {
      const [row] = await db.select().from(socialAccounts).where(and(
        eq(socialAccounts.organizationId, orgId),
        eq(socialAccounts.platform, platform),
        sql`lower(${socialAccounts.handle}) = lower(${handle})`
      ))
      return row
    },

    async list (orgId: string, q: SocialAccountListQuery, onlyBrandIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, idColumn: socialAccounts.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, socialAccounts, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(socialAccounts.organizationId, orgId),
        q.brandId ? eq(socialAccounts.brandId, q.brandId) : undefined,
        q.platform ? eq(socialAccounts.platform, q.platform) : undefined,
        brandScope(socialAccounts.brandId, onlyBrandIds),
        rangeWhere(socialAccounts, q)))
    },

    /** One page of accounts for each brand, in one statement (GraphQL Brand.socialAccounts). */
    async listPerBrand (orgId: string, brandIds: readonly string[], q: BrandSocialAccountsQuery, db: Database) {
      const args = {
        orgId,
        sort: parseSort(q.sort),
        columns: SORT_COLUMNS,
        idColumn: socialAccounts.id,
        cursor: q.cursor,
        limit: q.limit,
        codec,
        parentColumn: socialAccounts.brandId,
        parentIds: brandIds,
        withTotal: wantsTotal(q),
        orgColumn: socialAccounts.organizationId
      }
      return await pagesPerBrand(db, args, (bind) => q.platform ? eq(socialAccounts.platform, bind('platform', q.platform)) : undefined)
    },

    async insert (orgId: string, input: CreateSocialAccountInput, db: Database): Promise<SocialAccountRow> {
      const [row] = await db.insert(socialAccounts).values({ ...input, organizationId: orgId }).returning()
      return row
    }
  }
}
export type SocialAccountsRepository = ReturnType<typeof createSocialAccountsRepository>
