import { and, eq, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { versionedRows } from '../../db/tenant-rows.js'
import { andAll, parseSort, wantsTotal, type CursorCodec } from '../../lib/pagination.js'
import { selectPage } from '../../lib/page-statements.js'
import type { Role } from '../../lib/actor.js'
import { memberships } from '../../db/tables/members.js'
import type { MemberListQuery } from './members.schemas.js'
import { joinUserName, memberColumns, withUserName } from './members.queries.js'
import { rangeWhere } from '../../lib/time-range.js'

export interface MemberRow {
  id: string
  userId: string | null
  email: string
  name: string | null
  role: Role
  brandIds: string[] | null
  status: 'invited' | 'active'
  version: number
  createdAt: Date
  updatedAt: Date
}

export function createMembersRepository (codec: CursorCodec) {
  const versioned = versionedRows(memberships)
  const base = withUserName

  return {
    async findById (orgId: string, id: string, db: Database): Promise<MemberRow | undefined> {
      const [row] = await base(db).where(and(eq(memberships.organizationId, orgId), eq(memberships.id, id)))
      return row as MemberRow | undefined
    },

    async findByIds (orgId: string, ids: readonly string[], db: Database): Promise<MemberRow[]> {
      if (ids.length === 0) return []
      return await base(db).where(and(eq(memberships.organizationId, orgId), anyOf(memberships.id, [...ids]))) as MemberRow[]
    },

    /** Every active member with what approval rules need (who may decide at a step). */
    async listActive (orgId: string, db: Database): Promise<Array<{ id: string, role: Role, brandIds: string[] | null }>> {
      return await db.select({ id: memberships.id, role: memberships.role, brandIds: memberships.brandIds }).from(memberships)
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.status, 'active')))
    },

    async list (orgId: string, q: MemberListQuery, db: Database) {
      const args = { orgId, sort: parseSort(q.sort), columns: { createdAt: memberships.createdAt }, idColumn: memberships.id, cursor: q.cursor, limit: q.limit, codec }
      return await selectPage<typeof memberships, MemberRow>(db, memberships, { ...args, withTotal: wantsTotal(q) }, andAll(
        eq(memberships.organizationId, orgId),
        q.role ? eq(memberships.role, q.role) : undefined,
        q.status ? eq(memberships.status, q.status) : undefined,
        rangeWhere(memberships, q)
      ), (r) => r.createdAt, { fields: memberColumns, join: joinUserName })
    },

    async insertInvited (orgId: string, v: { email: string, role: Role, brandIds: string[] | null, tokenHash: string, expiresAt: Date }, db: Database): Promise<string> {
      const [row] = await db.insert(memberships).values({
        organizationId: orgId, email: v.email, role: v.role, brandIds: v.brandIds, status: 'invited', invitationTokenHash: v.tokenHash, invitationExpiresAt: v.expiresAt
      }).returning({ id: memberships.id })
      return row.id
    },

    async insertActive (orgId: string, v: { id: string, userId: string, email: string, role: Role }, db: Database): Promise<void> {
      await db.insert(memberships).values({ id: v.id, organizationId: orgId, userId: v.userId, email: v.email, role: v.role, status: 'active' })
    },

    /** Locks the organization's owners, so two "last owner" changes cannot both pass. */
    async lockOwners (orgId: string, db: Database): Promise<string[]> {
      const rows = await db.select({ id: memberships.id }).from(memberships)
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner'), eq(memberships.status, 'active')))
        .for('update')
      return rows.map((r) => r.id)
    },

    async update (orgId: string, id: string, version: number, patch: { role?: Role, brandIds?: string[] | null }, db: Database): Promise<boolean> {
      return await versioned.update(orgId, id, version, patch, db) !== undefined
    },

    async activate (orgId: string, id: string, userId: string, db: Database): Promise<boolean> {
      const rows = await db.update(memberships)
        .set({ userId, status: 'active', invitationTokenHash: null, invitationExpiresAt: null, version: sql`${memberships.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.id, id), eq(memberships.status, 'invited')))
        .returning({ id: memberships.id })
      return rows.length > 0
    },

    delete: versioned.delete
  }
}
export type MembersRepository = ReturnType<typeof createMembersRepository>
