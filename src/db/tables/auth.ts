import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant } from '../columns.js'
import { organizations } from './organizations.js'
import { memberships } from './members.js'
import { users } from './users.js'

// Refresh tokens rotate: each use replaces the token with a new one of the same family. A token
// that was already replaced and is used again means it leaked, so the whole family is revoked.
export const refreshTokens = pgTable('refresh_tokens', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  membershipId: uuid().notNull().references(() => memberships.id, { onDelete: 'cascade' }),
  familyId: uuid().notNull(),
  tokenHash: text().notNull(),
  expiresAt: instant().notNull(),
  replacedAt: instant(),
  revokedAt: instant(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
  index('refresh_tokens_family_idx').on(t.familyId),
  index('refresh_tokens_org_idx').on(t.organizationId),
  index('refresh_tokens_user_idx').on(t.userId),
  index('refresh_tokens_membership_idx').on(t.membershipId)
])
