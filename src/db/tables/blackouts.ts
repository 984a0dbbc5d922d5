import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'

// A window in which nothing of a brand may be scheduled or published (a day of mourning, a
// product recall). Half-open: [startsAt, endsAt).
export const brandBlackouts = pgTable('brand_blackouts', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  startsAt: instant().notNull(),
  endsAt: instant().notNull(),
  reason: text().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('brand_blackouts_brand_starts_idx').on(t.brandId, t.startsAt),
  index('brand_blackouts_org_created_idx').on(t.organizationId, t.createdAt, t.id)
])
