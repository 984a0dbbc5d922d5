import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant } from '../columns.js'
import { organizations } from './organizations.js'
import { memberships } from './members.js'

export const apiKeys = pgTable('api_keys', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  /** The public part of `hrld_<prefix>_<secret>`, kept in clear to find the row and to show it. */
  prefix: text().notNull(),
  /** SHA-256 of the whole key: keys are 190+ random bits, so a fast hash is the right tool. */
  secretHash: text().notNull(),
  lastFour: text().notNull(),
  scopes: text().array().notNull(),
  brandIds: uuid().array(),
  createdByMemberId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
  lastUsedAt: instant(),
  revokedAt: instant(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('api_keys_prefix_key').on(t.prefix),
  index('api_keys_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('api_keys_created_by_idx').on(t.createdByMemberId)
])
