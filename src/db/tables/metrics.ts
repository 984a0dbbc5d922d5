import { index, numeric, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { instant } from '../columns.js'

export const METRIC_SUBJECT_TYPES = ['content_item', 'social_account', 'campaign'] as const
export const METRIC_GRANULARITIES = ['hour', 'day'] as const
export const metricSubjectTypeEnum = pgEnum('metric_subject_type', METRIC_SUBJECT_TYPES)
export const metricGranularityEnum = pgEnum('metric_granularity', METRIC_GRANULARITIES)

/**
 * One measured number: a metric of a subject (content item, social account or campaign) over
 * one hour or one day. The key is (organization, subject, metric, granularity, period): an
 * ingestion upserts on it, and a later `collected_at` replaces the value.
 *
 * Only what never changes about the subject is copied here (its brand: subjects never move
 * between brands). What can change (an item's campaign, kind and labels; an account's
 * platform) is joined at report time, so reports follow the current relationships.
 * `subject_id` has no foreign key (it points into one of three tables); a report joins the
 * subject's table, so the points of a deleted subject drop out of reports.
 */
export const metricPoints = pgTable('metric_points', {
  // No foreign keys, on purpose: ingestion writes 10,000 rows a statement and a foreign key
  // is a lookup and a row lock per row (a fifth of the upsert's time for the brand's key).
  // Instead (migration 0022): ingestion locks each brand it writes to once (FOR KEY SHARE, in
  // the statement that resolves the subjects), so a brand cannot go while its points are
  // written, and a trigger on brands deletes a deleted brand's points, as ON DELETE CASCADE
  // did (deleting an organization deletes its brands, and so their points). Row-level
  // security pins organization_id.
  organizationId: uuid().notNull(),
  brandId: uuid().notNull(),
  subjectType: metricSubjectTypeEnum().notNull(),
  subjectId: uuid().notNull(),
  /** The network account a content item's numbers come from (an item may go to several). */
  socialAccountId: uuid(),
  metric: text().notNull(),
  granularity: metricGranularityEnum().notNull(),
  periodStart: instant().notNull(),
  value: numeric().notNull(),
  /** ISO 4217, for money metrics only (spend, revenue); money values are decimals in that currency. */
  currency: text(),
  source: text().notNull(),
  collectedAt: instant().notNull()
}, (t) => [
  primaryKey({ name: 'metric_points_pkey', columns: [t.organizationId, t.subjectId, t.metric, t.granularity, t.periodStart] }),
  // Every report is a brand's (or several brands') date range: this index finds its points,
  // and the trigger's delete of a deleted brand's points. One index instead
  // of two, as every index is written on every ingested point. Granularity is not a column of
  // it: under row-level security a comparison of enums (not leakproof) cannot bound an index
  // scan, so the report engine bounds the scan by period alone.
  index('metric_points_brand_period_idx').on(t.brandId, t.periodStart)
])
