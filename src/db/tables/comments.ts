import { index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { createdAt, id, instant, updatedAt, version } from '../columns.js'
import { organizations } from './organizations.js'
import { contentItems } from './content-items.js'
import { actorTypeEnum } from './events.js'

/** internal: the agency team only; shared: also the client role and guest reviewers. */
export const commentVisibilityEnum = pgEnum('comment_visibility', ['internal', 'shared'])

export const contentComments = pgTable('content_comments', {
  id: id(),
  organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
  contentItemId: uuid().notNull().references(() => contentItems.id, { onDelete: 'cascade' }),
  body: text().notNull(),
  visibility: commentVisibilityEnum().notNull(),
  /** Members mentioned in the body (membership ids). */
  mentions: uuid().array().notNull().default([]),
  authorType: actorTypeEnum().notNull(),
  /** Membership, API key or guest-link id. */
  authorId: uuid().notNull(),
  authorLabel: text(),
  /** The revision the comment was written on (shown on the timeline). */
  revision: integer(),
  editedAt: instant(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  version: version()
}, (t) => [
  index('content_comments_item_idx').on(t.contentItemId, t.createdAt, t.id),
  index('content_comments_org_created_idx').on(t.organizationId, t.createdAt, t.id)
])
