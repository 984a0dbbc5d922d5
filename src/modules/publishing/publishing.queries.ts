import { and, asc, eq, lte, ne, sql } from 'drizzle-orm'
import { anyOf } from '../../db/any-of.js'
import type { Database } from '../../db/client.js'
import { contentItems, contentTargets } from '../../db/tables/content-items.js'
import { brands } from '../../db/tables/brands.js'
import { socialAccounts } from '../../db/tables/social-accounts.js'
import { publications } from '../../db/tables/publishing.js'
import type { MediaItem } from '../../db/tables/content-items.js'

// Read-only: what publishing needs of rows other modules own. The due item is read under its
// row lock (FOR UPDATE: a lock, not a write), as every writer of content does, so a hand-over
// and an edit, a reschedule or a second hand-over of the same item run one after the other.
// Only content items change the item, through app.contentItems.transition.

export interface DueItemRow {
  id: string
  brandId: string
  brandStatus: string
  kind: string
  status: string
  body: string
  media: MediaItem[]
  link: string | null
  hashtags: string[]
  firstComment: string | null
  scheduledAt: Date | null
  scheduledLocal: string | null
  scheduleTimeZone: string | null
  scheduleBasis: 'instant' | 'local' | null
  revision: number
}

export interface DueTargetRow {
  id: string
  position: number
  body: string | null
  media: MediaItem[] | null
  firstComment: string | null
  socialAccountId: string
  platform: string
  handle: string
  externalId: string | null
  displayName: string | null
}

export interface DueTargetOfRow extends DueTargetRow { contentItemId: string }

/** A target with what the publisher needs of its social account. */
const targetFields = {
  id: contentTargets.id,
  position: contentTargets.position,
  body: contentTargets.body,
  media: contentTargets.media,
  firstComment: contentTargets.firstComment,
  socialAccountId: socialAccounts.id,
  platform: socialAccounts.platform,
  handle: socialAccounts.handle,
  externalId: socialAccounts.externalId,
  displayName: socialAccounts.displayName
}

export function createPublishingQueries () {
  const dueColumns = {
    id: contentItems.id,
    brandId: contentItems.brandId,
    brandStatus: brands.status,
    kind: contentItems.kind,
    status: contentItems.status,
    body: contentItems.body,
    media: contentItems.media,
    link: contentItems.link,
    hashtags: contentItems.hashtags,
    firstComment: contentItems.firstComment,
    scheduledAt: contentItems.scheduledAt,
    scheduledLocal: contentItems.scheduledLocal,
    scheduleTimeZone: contentItems.scheduleTimeZone,
    scheduleBasis: contentItems.scheduleBasis,
    revision: contentItems.revision
  }
  return {
    /**
     * A hand-over batch's other items: up to `limit` scheduled items of the organization that
     * are due (scheduledAt <= now()), earliest first, locked with FOR UPDATE SKIP LOCKED: an
     * item another transaction holds (its own job, another batch, an edit) is left to it. An
     * item held at its last hand-over (latest publication `held`) waits for its release, as
     * it would without batches: it is not taken.
     */
    async claimDue (orgId: string, exceptId: string | null, limit: number, db: Database): Promise<DueItemRow[]> {
      if (limit <= 0) return []
      return await db.select(dueColumns).from(contentItems).innerJoin(brands, eq(brands.id, contentItems.brandId))
        .where(and(eq(contentItems.organizationId, orgId), eq(contentItems.status, 'scheduled'), lte(contentItems.scheduledAt, sql`now()`), exceptId ? ne(contentItems.id, exceptId) : undefined,
          sql`(SELECT p.status FROM ${publications} p WHERE p.organization_id = ${contentItems.organizationId} AND p.content_item_id = ${contentItems.id} ORDER BY p.attempt DESC LIMIT 1) IS DISTINCT FROM 'held'`))
        .orderBy(asc(contentItems.scheduledAt), asc(contentItems.id))
        .limit(limit)
        .for('update', { of: contentItems, skipLocked: true })
    },

    /** The targets of many items with their social accounts, in order. */
    async targetsOfItems (orgId: string, itemIds: readonly string[], db: Database): Promise<DueTargetOfRow[]> {
      if (itemIds.length === 0) return []
      return await db.select({ contentItemId: contentTargets.contentItemId, ...targetFields }).from(contentTargets).innerJoin(socialAccounts, eq(socialAccounts.id, contentTargets.socialAccountId))
        .where(and(eq(contentTargets.organizationId, orgId), anyOf(contentTargets.contentItemId, [...itemIds])))
        .orderBy(asc(contentTargets.contentItemId), asc(contentTargets.position))
    },

    /** The item under its row lock, with its brand's status; undefined when it is gone. */
    async lockItem (orgId: string, itemId: string, db: Database): Promise<DueItemRow | undefined> {
      const [row] = await db.select(dueColumns).from(contentItems).innerJoin(brands, eq(brands.id, contentItems.brandId))
        .where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, itemId)))
        .for('update', { of: contentItems })
      return row
    },

    /** The item's targets with their social accounts, in order. */
    async targets (orgId: string, itemId: string, db: Database): Promise<DueTargetRow[]> {
      return await db.select(targetFields).from(contentTargets).innerJoin(socialAccounts, eq(socialAccounts.id, contentTargets.socialAccountId))
        .where(and(eq(contentTargets.organizationId, orgId), eq(contentTargets.contentItemId, itemId)))
        .orderBy(asc(contentTargets.position))
    },

    /** Whether the item is still visible (status) without locking it: for reading outcomes. */
    async itemStatus (orgId: string, itemId: string, db: Database): Promise<{ status: string, brandId: string } | undefined> {
      const [row] = await db.select({ status: contentItems.status, brandId: contentItems.brandId }).from(contentItems)
        .where(and(eq(contentItems.organizationId, orgId), eq(contentItems.id, itemId)))
      return row
    },

    // ---- as herald_system, across organizations (only the columns granted in 0012) ----

    /** Scheduled items due before `before` (their job should have run): for the sweep. */
    async overdueScheduled (db: Database, before: Date, limit: number): Promise<Array<{ id: string, orgId: string, scheduledAt: Date }>> {
      const rows = await db.select({ id: contentItems.id, orgId: contentItems.organizationId, scheduledAt: contentItems.scheduledAt })
        .from(contentItems).where(and(eq(contentItems.status, 'scheduled'), lte(contentItems.scheduledAt, before)))
        .orderBy(asc(contentItems.scheduledAt)).limit(limit)
      return rows.filter((r): r is { id: string, orgId: string, scheduledAt: Date } => r.scheduledAt !== null)
    },

    /** Hand-overs still waiting past their deadline: for the timeout sweep. */
    async pastDeadline (db: Database, limit: number): Promise<Array<{ id: string, orgId: string }>> {
      return await db.select({ id: publications.id, orgId: publications.organizationId }).from(publications)
        .where(and(eq(publications.status, 'publishing'), lte(publications.deadlineAt, sql`now()`)))
        .limit(limit)
    }
  }
}
export type PublishingQueries = ReturnType<typeof createPublishingQueries>
