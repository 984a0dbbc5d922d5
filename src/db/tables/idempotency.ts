import { integer, jsonb, pgTable, primaryKey, text, uuid, index } from 'drizzle-orm/pg-core'
import { createdAt, instant } from '../columns.js'
import { organizations } from './organizations.js'

// A key is claimed inside the request's own transaction and the response is stored in it too:
// a rollback or a crash leaves no row, so a retry simply runs again.
export const idempotencyKeys = pgTable('idempotency_keys', {
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  principalId: uuid().notNull(),
  key: text().notNull(),
  method: text().notNull(),
  path: text().notNull(),
  requestHash: text().notNull(),
  responseStatus: integer(),
  responseBody: jsonb(),
  responseHeaders: jsonb(),
  createdAt: createdAt(),
  expiresAt: instant().notNull()
}, (t) => [
  primaryKey({ columns: [t.organizationId, t.principalId, t.key] }),
  index('idempotency_keys_expires_idx').on(t.expiresAt),
  // The purge in the claim statement deletes one credential's expired keys.
  index('idempotency_keys_principal_expires_idx').on(t.organizationId, t.principalId, t.expiresAt)
])
