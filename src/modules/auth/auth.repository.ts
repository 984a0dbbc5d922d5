import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { users } from '../../db/tables/users.js'
import { refreshTokens } from '../../db/tables/auth.js'

export type UserRow = typeof users.$inferSelect
export type RefreshTokenRow = typeof refreshTokens.$inferSelect

// Users and refresh tokens: the tables this module owns. What it reads of other modules' rows
// is in auth.queries.ts.
export function createAuthRepository () {
  return {
    async findUserByEmail (email: string, db: Database): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()))
      return row
    },

    async findUser (id: string, db: Database): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id))
      return row
    },

    async insertUser (v: { email: string, name: string, passwordHash: string }, db: Database): Promise<UserRow> {
      const [row] = await db.insert(users).values(v).returning()
      return row
    },

    async findRefreshToken (tokenHash: string, db: Database): Promise<RefreshTokenRow | undefined> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash))
      return row
    },

    async insertRefreshToken (v: { organizationId: string, userId: string, membershipId: string, familyId: string, tokenHash: string, expiresAt: Date }, db: Database): Promise<void> {
      await db.insert(refreshTokens).values(v)
    },

    /** Marks a token used; false when it was already used or revoked (reuse, or a race). */
    async markReplaced (orgId: string, id: string, db: Database): Promise<boolean> {
      const rows = await db.update(refreshTokens).set({ replacedAt: sql`now()` })
        .where(and(eq(refreshTokens.organizationId, orgId), eq(refreshTokens.id, id), isNull(refreshTokens.replacedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id })
      return rows.length > 0
    },

    async revokeFamily (orgId: string, familyId: string, db: Database): Promise<void> {
      await db.update(refreshTokens).set({ revokedAt: sql`now()` })
        .where(and(eq(refreshTokens.organizationId, orgId), eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    }
  }
}
export type AuthRepository = ReturnType<typeof createAuthRepository>
