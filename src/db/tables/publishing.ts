import { boolean, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant } from '../columns.js'
import { organizations } from './organizations.js'
import { brands } from './brands.js'
import { contentItems } from './content-items.js'
import { socialAccounts } from './social-accounts.js'

// Publishing (owned by src/modules/publishing): one row per hand-over of a content item to its
// publisher (a publication), and one per target of it, with what the publisher reported.

export const PUBLICATION_STATUSES = ['publishing', 'published', 'failed', 'held'] as const
export type PublicationStatus = typeof PUBLICATION_STATUSES[number]
export const publicationStatusEnum = pgEnum('publication_status', PUBLICATION_STATUSES)
export const PUBLICATION_TARGET_STATUSES = ['requested', 'published', 'failed'] as const
export type PublicationTargetStatus = typeof PUBLICATION_TARGET_STATUSES[number]
export const publicationTargetStatusEnum = pgEnum('publication_target_status', PUBLICATION_TARGET_STATUSES)

export const publications = pgTable('publications', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  brandId: uuid().notNull().references(() => brands.id, { onDelete: 'cascade' }),
  contentItemId: uuid().notNull().references(() => contentItems.id, { onDelete: 'cascade' }),
  /** 1 for the first hand-over of the item, +1 for each later one (a failed item scheduled again). */
  attempt: integer().notNull(),
  status: publicationStatusEnum().notNull(),
  /** The instant it was due. */
  scheduledAt: instant().notNull(),
  /** Handed over later than it was due (after downtime, or a queue that fell behind). */
  late: boolean().notNull().default(false),
  /** Why it failed or was held: missed_schedule, publisher_timeout, target_failed, blackout, revision_changed, brand_archived, or a hold's reason. */
  reason: text(),
  detail: text(),
  publisher: text().notNull(),
  startedAt: createdAt(),
  /** After this, targets with no outcome fail with publisher_timeout. */
  deadlineAt: instant(),
  finishedAt: instant()
}, (t) => [
  uniqueIndex('publications_item_attempt_key').on(t.contentItemId, t.attempt),
  index('publications_org_idx').on(t.organizationId),
  index('publications_brand_idx').on(t.brandId)
])

export const publicationTargets = pgTable('publication_targets', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  publicationId: uuid().notNull().references(() => publications.id, { onDelete: 'cascade' }),
  /** The content target (content_targets.id) this outcome is for; kept as the id the API shows. */
  targetId: uuid().notNull(),
  socialAccountId: uuid().notNull().references(() => socialAccounts.id, { onDelete: 'cascade' }),
  position: integer().notNull(),
  status: publicationTargetStatusEnum().notNull().default('requested'),
  externalId: text(),
  url: text(),
  publishedAt: instant(),
  error: text(),
  /** For a failure: whether trying again may help (the integration's word). */
  retryable: boolean(),
  requestedAt: createdAt(),
  reportedAt: instant()
}, (t) => [
  uniqueIndex('publication_targets_publication_target_key').on(t.publicationId, t.targetId),
  index('publication_targets_org_idx').on(t.organizationId),
  index('publication_targets_account_idx').on(t.socialAccountId)
])
