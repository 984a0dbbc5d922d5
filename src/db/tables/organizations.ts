import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt, version } from '../columns.js'

export const organizations = pgTable('organizations', {
  id: id(),
  name: text().notNull(),
  slug: text().notNull(),
  timeZone: text().notNull().default('UTC'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [uniqueIndex('organizations_slug_key').on(t.slug)])
