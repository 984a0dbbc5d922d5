import { numeric, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { instant } from '../columns.js'

export const METRIC_SUBJECT_TYPES = ['content_item', 'social_account', 'campaign'] as const
export const METRIC_GRANULARITIES = ['hour', 'day'] as const
export const metricSubjectTypeEnum = pgEnum('metric_subject_type', METRIC_SUBJECT_TYPES)
export const metricGranularityEnum = pgEnum('metric_granularity', METRIC_GRANULARITIES)

/**
 * One measured number: a metric of a subject (content item, social account or campaign) over
 * one hour or one day. The key is (organization, brand, period, subject, metric, granularity):
 * an ingestion upserts on it, and a later `collected_at` replaces the value. The brand is fixed
 * by the subject, so this is the same uniqueness as (subject, metric, granularity, period).
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
  // ONE index, the key, for the upsert and for every report: its leading columns are a brand's
  // date range, which every report reads (several brands: one range each) and the trigger's
  // delete of a deleted brand's points uses. Two indexes before (the key led by the subject,
  // and (brand, period) for reports): every ingested point wrote both, and the subject-led
  // key put a batch's points in as many places of the index as it has subjects; now a batch
  // of a brand's hours writes at the end of that brand's range (migration 0023).
  // Granularity is not before the period on purpose: under row-level security a comparison
  // of enums (not leakproof) cannot bound an index scan, so reports bound it by period alone.
  primaryKey({ name: 'metric_points_pkey', columns: [t.organizationId, t.brandId, t.periodStart, t.subjectId, t.metric, t.granularity] })
])
