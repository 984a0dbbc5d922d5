import { sql } from 'drizzle-orm'
import { pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, id, updatedAt } from '../columns.js'

// Users are global (one person can belong to several agencies); what they may see is decided
// by their memberships, which are tenant rows.
export const users = pgTable('users', {
  id: id(),
  email: text().notNull(),
  name: text().notNull(),
  passwordHash: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt()
}, (t) => [uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`)])
