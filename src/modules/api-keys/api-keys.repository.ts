import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { tenantRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import { apiKeys } from '../../db/tables/api-keys.js'
import type { ApiKeyListQuery } from './api-keys.schemas.js'

export type ApiKeyRow = typeof apiKeys.$inferSelect

export function createApiKeysRepository (codec: CursorCodec) {
  return {
    ...tenantRows(apiKeys),

    async list (orgId: string, q: ApiKeyListQuery, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: apiKeys.createdAt }, idColumn: apiKeys.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage(db, apiKeys, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(apiKeys.organizationId, orgId),
        q.revoked === 'true' ? isNotNull(apiKeys.revokedAt) : q.revoked === 'false' ? isNull(apiKeys.revokedAt) : undefined))
    },

    async insert (orgId: string, v: Omit<typeof apiKeys.$inferInsert, 'organizationId' | 'id'>, db: Database): Promise<ApiKeyRow> {
      const [row] = await db.insert(apiKeys).values({ ...v, organizationId: orgId }).returning()
      return row
    },

    async revoke (orgId: string, id: string, db: Database): Promise<ApiKeyRow | undefined> {
      const [row] = await db.update(apiKeys).set({ revokedAt: sql`now()` })
        .where(and(eq(apiKeys.organizationId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning()
      return row
    }
  }
}
export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>
