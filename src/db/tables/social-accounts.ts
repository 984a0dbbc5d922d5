import { sql } from 'drizzle-orm'
import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'

export const PLATFORMS = ['instagram', 'facebook', 'x', 'linkedin', 'tiktok', 'youtube', 'pinterest', 'threads', 'bluesky'] as const
export type Platform = typeof PLATFORMS[number]
export const platformEnum = pgEnum('platform', PLATFORMS)

// A channel of a brand: one account on one network. A handle belongs to one brand of an
// organization at a time (two brands cannot both publish as @lumen on X).
export const socialAccounts = pgTable('social_accounts', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  platform: platformEnum().notNull(),
  handle: text().notNull(),
  displayName: text(),
  externalId: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  uniqueIndex('social_accounts_org_platform_handle_key').on(t.organizationId, t.platform, sql`lower(${t.handle})`),
  index('social_accounts_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('social_accounts_brand_idx').on(t.brandId)
])
