import { and, eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { brandScope, versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { brands } from '../../db/tables/brands.js'
import type { BrandListQuery, CreateBrandInput } from './brands.schemas.js'
import { rangeWhere } from '../../lib/time-range.js'

export type BrandRow = typeof brands.$inferSelect

export function createBrandsRepository (codec: CursorCodec) {
  return {
    ...versionedRows(brands),

    async list (orgId: string, q: BrandListQuery, onlyIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: brands.createdAt, name: brands.name }, idColumn: brands.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, brands, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(brands.organizationId, orgId),
        q.status ? eq(brands.status, q.status) : undefined,
        brandScope(brands.id, onlyIds),
        rangeWhere(brands, q)), (r) => (args.sort.field === 'name' ? r.name : r.createdAt))
    },

    async setApprovalPolicy (orgId: string, brandId: string, policyId: string, db: Database): Promise<void> {
      await db.update(brands).set({ approvalPolicyId: policyId }).where(and(eq(brands.organizationId, orgId), eq(brands.id, brandId)))
    },

    async insert (orgId: string, input: CreateBrandInput, db: Database): Promise<BrandRow> {
      const [row] = await db.insert(brands).values({ ...input, organizationId: orgId }).returning()
      return row
    }
  }
}
export type BrandsRepository = ReturnType<typeof createBrandsRepository>
