import { bigint, index, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { id, instant } from '../columns.js'
import { organizations } from './organizations.js'

export const actorTypeEnum = pgEnum('actor_type', ['member', 'api_key', 'guest', 'system'])

// The outbox: every change writes its event in the same transaction. Webhooks (later) read it,
// integrations poll it through GET /v1/events, and the audit log is the same rows seen with
// their actor and request id.
export const events = pgTable('events', {
  id: id(),
  /** Strictly increasing: the order integrations poll in, even within one transaction. */
  seq: bigint({ mode: 'number' }).generatedAlwaysAsIdentity(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  type: text().notNull(),
  subjectType: text().notNull(),
  subjectId: uuid().notNull(),
  /** The brand the event concerns (no foreign key: events outlive their brand); null for
   * organization-level events. Brand-limited credentials see only their brands' events. */
  brandId: uuid(),
  actorType: actorTypeEnum().notNull(),
  actorId: uuid(),
  actorLabel: text(),
  requestId: text(),
  data: jsonb().notNull(),
  createdAt: instant().notNull().default(sql`clock_timestamp()`)
}, (t) => [
  index('events_org_seq_idx').on(t.organizationId, t.seq),
  index('events_org_type_seq_idx').on(t.organizationId, t.type, t.seq),
  index('events_org_subject_idx').on(t.organizationId, t.subjectId),
  index('events_org_brand_seq_idx').on(t.organizationId, t.brandId, t.seq)
])
