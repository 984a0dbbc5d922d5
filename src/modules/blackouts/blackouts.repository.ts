import { and, eq, getTableColumns, gt, lte } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec, type Page } from '../../lib/pagination.js'
import { preparedPerParent, selectPage } from '../../lib/page-statements.js'
import { brandBlackouts } from '../../db/tables/blackouts.js'
import type { BlackoutListQuery } from './blackouts.schemas.js'

export type BlackoutRow = typeof brandBlackouts.$inferSelect

const SORT_COLUMNS = { createdAt: brandBlackouts.createdAt, startsAt: brandBlackouts.startsAt }

// Brand.blackouts: its statement built once per shape (and prepared by each connection).
const pagesPerBrand = preparedPerParent<typeof brandBlackouts, BlackoutRow>(brandBlackouts, getTableColumns(brandBlackouts))

export function createBlackoutsRepository (codec: CursorCodec) {
  const pageArgs = (orgId: string, q: BlackoutListQuery) =>
    ({ orgId, sort: parseSort(q.sort), columns: SORT_COLUMNS, idColumn: brandBlackouts.id, cursor: q.cursor, limit: q.limit, codec, withTotal: wantsTotal(q) })

  return {
    ...versionedRows(brandBlackouts),

    async list (orgId: string, brandId: string, q: BlackoutListQuery, db: Database): Promise<Page<BlackoutRow>> {
      const args = pageArgs(orgId, q)
      return await selectPage(db, brandBlackouts, { ...args, withTotal: wantsTotal(q) }, andAll(eq(brandBlackouts.organizationId, orgId), eq(brandBlackouts.brandId, brandId)))
    },

    /** Brand.blackouts for a page of brands in one statement. */
    async perBrand (orgId: string, brandIds: readonly string[], q: BlackoutListQuery, db: Database): Promise<Map<string, Page<BlackoutRow>>> {
      const args = { ...pageArgs(orgId, q), parentColumn: brandBlackouts.brandId, parentIds: brandIds, orgColumn: brandBlackouts.organizationId }
      return await pagesPerBrand(db, args, () => undefined)
    },

    /** Windows of these brands that overlap [from, to]: the candidates for a set of times. */
    async overlapping (orgId: string, brandIds: readonly string[], from: Date, to: Date, db: Database): Promise<BlackoutRow[]> {
      if (brandIds.length === 0) return []
      return await db.select().from(brandBlackouts).where(and(
        eq(brandBlackouts.organizationId, orgId),
        anyOf(brandBlackouts.brandId, [...brandIds]),
        lte(brandBlackouts.startsAt, to),
        gt(brandBlackouts.endsAt, from)
      )).orderBy(brandBlackouts.startsAt, brandBlackouts.id)
    },

    async insert (orgId: string, brandId: string, input: { startsAt: Date, endsAt: Date, reason: string }, db: Database): Promise<BlackoutRow> {
      const [row] = await db.insert(brandBlackouts).values({ ...input, brandId, organizationId: orgId }).returning()
      return row
    }
  }
}
export type BlackoutsRepository = ReturnType<typeof createBlackoutsRepository>
