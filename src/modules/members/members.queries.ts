import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { users } from '../../db/tables/users.js'
import { memberships } from '../../db/tables/members.js'

// Read-only: a member's name is the user's (the auth module owns users), so reading members
// joins it in; the repository builds its reads on this.

export const memberColumns = {
  id: memberships.id,
  userId: memberships.userId,
  email: memberships.email,
  name: users.name,
  role: memberships.role,
  brandIds: memberships.brandIds,
  status: memberships.status,
  version: memberships.version,
  createdAt: memberships.createdAt,
  updatedAt: memberships.updatedAt
}
/** Members with their user's name, to be filtered by the caller. */
export const joinUserName = <Q extends { leftJoin: (...args: any[]) => any }>(from: Q) => from.leftJoin(users, eq(users.id, memberships.userId))
export const withUserName = (db: Database) => joinUserName(db.select(memberColumns).from(memberships))
