import { index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'
import { memberships } from './members.js'
import { campaigns } from './campaigns.js'
import { socialAccounts } from './social-accounts.js'
import { actorTypeEnum } from './events.js'

export const CONTENT_KINDS = ['post', 'story', 'reel', 'short_video', 'video', 'carousel', 'article', 'thread'] as const
export type ContentKind = typeof CONTENT_KINDS[number]
export const CONTENT_STATUSES = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'publishing', 'published', 'failed', 'archived', 'held'] as const
export type ContentStatus = typeof CONTENT_STATUSES[number]
export const contentKindEnum = pgEnum('content_kind', CONTENT_KINDS)
export const contentStatusEnum = pgEnum('content_status', CONTENT_STATUSES)
/** Which of the two schedule forms the client sent; that one is the truth, the other derived. */
export const scheduleBasisEnum = pgEnum('schedule_basis', ['instant', 'local'])

export interface MediaItem { url: string, type: 'image' | 'video' | 'gif' | 'document', altText?: string | null, width?: number | null, height?: number | null, durationSeconds?: number | null }

export const contentItems = pgTable('content_items', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  campaignId: uuid().references(() => campaigns.id, { onDelete: 'set null' }),
  title: text().notNull(),
  kind: contentKindEnum().notNull(),
  body: text().notNull().default(''),
  media: jsonb().$type<MediaItem[]>().notNull().default([]),
  link: text(),
  hashtags: text().array().notNull().default([]),
  firstComment: text(),
  labels: text().array().notNull().default([]),
  assigneeId: uuid().references(() => memberships.id, { onDelete: 'set null' }),
  status: contentStatusEnum().notNull().default('draft'),
  /** Status before archiving, for the record (restore always returns to draft). */
  archivedFrom: contentStatusEnum(),
  scheduledAt: instant(),
  /** Local wall time 'YYYY-MM-DDTHH:mm[:ss]' in scheduleTimeZone. */
  scheduledLocal: text(),
  scheduleTimeZone: text(),
  scheduleBasis: scheduleBasisEnum(),
  /** Content revision: +1 on every edit of the item's fields (not on status changes). */
  revision: integer().notNull().default(1),
  createdByType: actorTypeEnum().notNull(),
  /** Membership or API-key id of the author (a creator may not approve their own work). */
  createdById: uuid(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('content_items_org_created_idx').on(t.organizationId, t.createdAt, t.id),
  index('content_items_org_updated_idx').on(t.organizationId, t.updatedAt, t.id),
  index('content_items_org_scheduled_idx').on(t.organizationId, t.scheduledAt, t.id),
  index('content_items_brand_scheduled_idx').on(t.brandId, t.scheduledAt),
  index('content_items_campaign_idx').on(t.campaignId, t.createdAt, t.id),
  index('content_items_assignee_idx').on(t.assigneeId),
  index('content_items_labels_idx').using('gin', t.labels)
])

/** Where an item goes: one social account each, with optional per-network overrides. */
export const contentTargets = pgTable('content_targets', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  contentItemId: uuid().notNull().references(() => contentItems.id, { onDelete: 'cascade' }),
  // NO ACTION, not RESTRICT: a brand's delete cascades to both its accounts and its items' targets in
  // one statement, and only NO ACTION waits for the end of that statement to check.
  socialAccountId: uuid().notNull().references(() => socialAccounts.id, { onDelete: 'no action' }),
  position: integer().notNull(),
  body: text(),
  media: jsonb().$type<MediaItem[]>(),
  firstComment: text(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('content_targets_item_account_key').on(t.contentItemId, t.socialAccountId),
  index('content_targets_account_idx').on(t.socialAccountId),
  index('content_targets_org_idx').on(t.organizationId)
])

/** Every edit of an item: who, when, which fields, and the whole item as it was after it. */
export const contentRevisions = pgTable('content_revisions', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  contentItemId: uuid().notNull().references(() => contentItems.id, { onDelete: 'cascade' }),
  revision: integer().notNull(),
  actorType: actorTypeEnum().notNull(),
  actorId: uuid(),
  actorLabel: text(),
  changed: text().array().notNull(),
  snapshot: jsonb().$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('content_revisions_item_revision_key').on(t.contentItemId, t.revision),
  index('content_revisions_org_idx').on(t.organizationId)
])
