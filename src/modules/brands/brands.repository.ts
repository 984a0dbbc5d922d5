import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { andAll, keyset, parseSort, toPage, type CursorCodec } from '../../lib/pagination.js'
import { brands } from '../../db/tables/brands.js'
import type { BrandListQuery, CreateBrandInput, UpdateBrandInput } from './brands.schemas.js'

export type BrandRow = typeof brands.$inferSelect

export function createBrandsRepository (codec: CursorCodec) {
  return {
    async findById (orgId: string, id: string, db: Database): Promise<BrandRow | undefined> {
      const [row] = await db.select().from(brands).where(and(eq(brands.organizationId, orgId), eq(brands.id, id)))
      return row
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<BrandRow[]> {
      if (ids.length === 0) return []
      return await db.select().from(brands).where(and(eq(brands.organizationId, orgId), inArray(brands.id, [...ids])))
    },

    async list (orgId: string, q: BrandListQuery, onlyIds: readonly string[] | null, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: brands.createdAt, name: brands.name }, idColumn: brands.id, cursor: q.cursor, limit: q.limit, codec }
      const page = keyset(args)
      const rows = await db.select().from(brands).where(andAll(
        eq(brands.organizationId, orgId),
        q.status ? eq(brands.status, q.status) : undefined,
        onlyIds ? (onlyIds.length ? inArray(brands.id, [...onlyIds]) : sql`false`) : undefined,
        page.where
      )).orderBy(...page.orderBy).limit(page.take)
      return toPage(rows, args, (r) => (args.sort.field === 'name' ? r.name : r.createdAt))
    },

    async insert (orgId: string, input: CreateBrandInput, db: Database): Promise<BrandRow> {
      const [row] = await db.insert(brands).values({ ...input, organizationId: orgId }).returning()
      return row
    },

    /** Updates only when the version still matches (compare-and-set, not read-then-write). */
    async update (orgId: string, id: string, version: number, patch: UpdateBrandInput, db: Database): Promise<BrandRow | undefined> {
      const [row] = await db.update(brands)
        .set({ ...patch, version: sql`${brands.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(brands.organizationId, orgId), eq(brands.id, id), eq(brands.version, version)))
        .returning()
      return row
    },

    async delete (orgId: string, id: string, version: number, db: Database): Promise<boolean> {
      const rows = await db.delete(brands)
        .where(and(eq(brands.organizationId, orgId), eq(brands.id, id), eq(brands.version, version)))
        .returning({ id: brands.id })
      return rows.length > 0
    }
  }
}
export type BrandsRepository = ReturnType<typeof createBrandsRepository>
