import { index, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt, version } from '../../db/columns.js'
import { organizations } from '../organizations/organizations.table.js'

export const brandStatusEnum = pgEnum('brand_status', ['active', 'archived'])

export const brands = pgTable('brands', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  timeZone: text().notNull(),
  status: brandStatusEnum().notNull().default('active'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('brands_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('brands_org_name_idx').on(t.organizationId, t.name, t.id)
])
