import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, keysetPerParent, parseSort, toPage, type CursorCodec } from '../../lib/pagination.js'
import { contentTargets } from '../../db/tables/content-items.js'
import { socialAccounts, type Platform } from '../../db/tables/social-accounts.js'
import type { BrandSocialAccountsQuery, CreateSocialAccountInput, SocialAccountListQuery, UpdateSocialAccountInput } from './social-accounts.schemas.js'

export type SocialAccountRow = typeof socialAccounts.$inferSelect

const SORT_COLUMNS = { createdAt: socialAccounts.createdAt, handle: socialAccounts.handle }
const sortValue = (field: string) => (r: SocialAccountRow) => (field === 'handle' ? r.handle : r.createdAt)

export function createSocialAccountsRepository (codec: CursorCodec) {
  return {
    async findById (orgId: string, id: string, db: Database): Promise<SocialAccountRow | undefined> {
      const [row] = await db.select().from(socialAccounts).where(and(eq(socialAccounts.organizationId, orgId), eq(socialAccounts.id, id)))
      return row
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<SocialAccountRow[]> {
      if (ids.length === 0) return []
      return await db.select().from(socialAccounts).where(and(eq(socialAccounts.organizationId, orgId), inArray(socialAccounts.id, [...new Set(ids)])))
    },

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
      const page = keyset(args)
      const rows = await db.select().from(socialAccounts).where(andAll(
        eq(socialAccounts.organizationId, orgId),
        q.brandId ? eq(socialAccounts.brandId, q.brandId) : undefined,
        q.platform ? eq(socialAccounts.platform, q.platform) : undefined,
        onlyBrandIds ? (onlyBrandIds.length ? inArray(socialAccounts.brandId, [...onlyBrandIds]) : sql`false`) : undefined,
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args, sortValue(args.sort.field))
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
        orgColumn: socialAccounts.organizationId,
        where: q.platform ? eq(socialAccounts.platform, q.platform) : undefined
      }
      return await keysetPerParent<typeof socialAccounts, SocialAccountRow>(db, socialAccounts, args, sortValue(args.sort.field))
    },

    async insert (orgId: string, input: CreateSocialAccountInput, db: Database): Promise<SocialAccountRow> {
      const [row] = await db.insert(socialAccounts).values({ ...input, organizationId: orgId }).returning()
      return row
    },

    /** Compare-and-set on the version, like every update here. */
    async update (orgId: string, id: string, version: number, patch: Omit<UpdateSocialAccountInput, 'brandId' | 'platform'>, db: Database): Promise<SocialAccountRow | undefined> {
      const [row] = await db.update(socialAccounts)
        .set({ ...patch, version: sql`${socialAccounts.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(socialAccounts.organizationId, orgId), eq(socialAccounts.id, id), eq(socialAccounts.version, version)))
        .returning()
      return row
    },

    async delete (orgId: string, id: string, version: number, db: Database): Promise<boolean> {
      const rows = await db.delete(socialAccounts)
        .where(and(eq(socialAccounts.organizationId, orgId), eq(socialAccounts.id, id), eq(socialAccounts.version, version)))
        .returning({ id: socialAccounts.id })
      return rows.length > 0
    },

    /** Whether content still goes to this account (content_targets refers to it ON DELETE RESTRICT). */
    async isTargeted (orgId: string, id: string, db: Database): Promise<boolean> {
      const rows = await db.select({ one: sql<number>`1` }).from(contentTargets)
        .where(and(eq(contentTargets.organizationId, orgId), eq(contentTargets.socialAccountId, id))).limit(1)
      return rows.length > 0
    }
  }
}
export type SocialAccountsRepository = ReturnType<typeof createSocialAccountsRepository>
