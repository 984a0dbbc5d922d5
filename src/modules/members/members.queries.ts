import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client.js'
import { users } from '../../db/tables/users.js'
import { memberships } from '../../db/tables/members.js'

// Read-only: a member's name is the user's (the auth module owns users), so reading members
// joins it in; the repository builds its reads on this.

const columns = {
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
export const withUserName = (db: Database) => db.select(columns).from(memberships).leftJoin(users, eq(users.id, memberships.userId))
