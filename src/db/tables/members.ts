import { sql } from 'drizzle-orm'
import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { users } from './users.js'

export const roleEnum = pgEnum('member_role', ['owner', 'admin', 'manager', 'creator', 'analyst', 'client'])
export const memberStatusEnum = pgEnum('member_status', ['invited', 'active'])

export const memberships = pgTable('memberships', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  userId: uuid().references(() => users.id, { onDelete: 'cascade' }),
  email: text().notNull(),
  role: roleEnum().notNull(),
  /** null: every brand of the organization; otherwise only these brands. */
  brandIds: uuid().array(),
  status: memberStatusEnum().notNull().default('invited'),
  invitationTokenHash: text(),
  invitationExpiresAt: instant(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  uniqueIndex('memberships_org_email_key').on(t.organizationId, sql`lower(${t.email})`),
  index('memberships_user_idx').on(t.userId),
  uniqueIndex('memberships_invitation_key').on(t.invitationTokenHash),
  index('memberships_org_created_idx').on(t.organizationId, t.createdAt, t.id)
])
