import { z } from 'zod'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { instantSchema } from '../../lib/schemas.js'
import { timeZoneSchema } from '../../lib/time-zone.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { CONTENT_KINDS, CONTENT_STATUSES } from '../../db/tables/content-items.js'
import { isValidLocalDateTime } from './content-scheduling.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

// Every wire shape of content items, written once: REST bodies and queries, GraphQL arguments
// (parsed with the same schemas) and replies.

export const MAX_TARGETS = 20
export const MAX_MEDIA = 35
export const MAX_HASHTAGS = 100
export const MAX_LABELS = 50
export const MAX_BODY = 65_000
export const MAX_FIRST_COMMENT = 10_000

export const ContentKind = z.enum(CONTENT_KINDS)
export const ContentStatus = z.enum(CONTENT_STATUSES)
export const Platform = z.enum(PLATFORMS)

export const MediaItemSchema = z.strictObject({
  url: z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048),
  type: z.enum(['image', 'video', 'gif', 'document']),
  altText: z.string().max(1500).nullable().optional(),
  width: z.number().int().min(1).max(100_000).nullable().optional(),
  height: z.number().int().min(1).max(100_000).nullable().optional(),
  durationSeconds: z.number().positive().max(86_400).nullable().optional()
})
export type MediaItemInput = z.infer<typeof MediaItemSchema>

const media = z.array(MediaItemSchema).max(MAX_MEDIA)
const body = z.string().max(MAX_BODY)
const firstComment = z.string().max(MAX_FIRST_COMMENT)
const link = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048)
const hashtag = z.string().min(1).max(100).regex(/^[\p{L}\p{N}\p{M}_]+$/u, 'a hashtag is letters, digits and _ only, without the leading #')
const label = text(100)

/** Arrays whose entries must not repeat: the repeat is named by its own path. */
function unique<T extends z.ZodType> (item: T, max: number, what: string) {
  return z.array(item).max(max).superRefine((list, ctx) => {
    const seen = new Set<unknown>()
    list.forEach((v, i) => {
      const key = typeof v === 'string' ? v.toLowerCase() : v
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} listed twice` })
      seen.add(key)
    })
  })
}

export const TargetInput = z.strictObject({
  socialAccountId: z.uuid(),
  /** An override; absent or null publishes the item's own field. */
  body: body.nullable().optional(),
  media: media.nullable().optional(),
  firstComment: firstComment.nullable().optional()
})
export type TargetInput = z.infer<typeof TargetInput>

const targets = z.array(TargetInput).max(MAX_TARGETS).superRefine((list, ctx) => {
  const seen = new Set<string>()
  list.forEach((t, i) => {
    if (seen.has(t.socialAccountId)) ctx.addIssue({ code: 'custom', path: [i, 'socialAccountId'], message: 'this social account is already a target of the item' })
    seen.add(t.socialAccountId)
  })
})

export const scheduledAtSchema = instantSchema
export const scheduledLocalSchema = z.string().max(19)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'must be a local date-time YYYY-MM-DDTHH:mm or YYYY-MM-DDTHH:mm:ss, without offset')
  .refine(isValidLocalDateTime, 'is not a real calendar date and time')

/** One of the two schedule forms, never both. */
function oneScheduleForm (v: { scheduledAt?: unknown, scheduledLocal?: unknown }, ctx: z.RefinementCtx) {
  if (v.scheduledAt != null && v.scheduledLocal != null) {
    ctx.addIssue({ code: 'custom', path: ['scheduledLocal'], message: 'send either scheduledAt (an instant) or scheduledLocal (+ timeZone), not both' })
  }
}

export const CreateContentItemBody = z.strictObject({
  brandId: z.uuid(),
  campaignId: z.uuid().nullable().optional(),
  title: text(200),
  kind: ContentKind,
  body: body.optional(),
  media: media.optional(),
  link: link.nullable().optional(),
  hashtags: unique(hashtag, MAX_HASHTAGS, 'hashtag').optional(),
  firstComment: firstComment.nullable().optional(),
  labels: unique(label, MAX_LABELS, 'label').optional(),
  assigneeId: z.uuid().nullable().optional(),
  targets: targets.optional(),
  scheduledAt: scheduledAtSchema.optional(),
  scheduledLocal: scheduledLocalSchema.optional(),
  timeZone: timeZoneSchema.optional()
}).superRefine(oneScheduleForm)
export type CreateContentItemInput = z.infer<typeof CreateContentItemBody>

export const UpdateContentItemBody = z.strictObject({
  brandId: z.never({ error: 'brandId is fixed after creation; create a new item for another brand' }).optional(),
  campaignId: z.uuid().nullable().optional(),
  title: text(200).optional(),
  kind: ContentKind.optional(),
  body: body.optional(),
  media: media.optional(),
  link: link.nullable().optional(),
  hashtags: unique(hashtag, MAX_HASHTAGS, 'hashtag').optional(),
  firstComment: firstComment.nullable().optional(),
  labels: unique(label, MAX_LABELS, 'label').optional(),
  assigneeId: z.uuid().nullable().optional(),
  /** Replaces the whole list; a target keeps its id while its account stays listed. */
  targets: targets.optional(),
  /** null clears the planned time (not on a scheduled item: unschedule it first). */
  scheduledAt: scheduledAtSchema.nullable().optional(),
  scheduledLocal: scheduledLocalSchema.nullable().optional(),
  timeZone: timeZoneSchema.optional()
}).superRefine(oneScheduleForm)
export type UpdateContentItemInput = z.infer<typeof UpdateContentItemBody>

export const ScheduleBody = z.strictObject({
  scheduledAt: scheduledAtSchema.optional(),
  scheduledLocal: scheduledLocalSchema.optional(),
  timeZone: timeZoneSchema.optional()
}).superRefine(oneScheduleForm)
export type ScheduleInput = z.infer<typeof ScheduleBody>

export const SubmitBody = z.strictObject({
  /** When the review should be done; handed to the approval hooks. */
  dueAt: scheduledAtSchema.optional()
})
export type SubmitInput = z.infer<typeof SubmitBody>

/** Actions without a body also accept an empty JSON object. */
export const EmptyBody = z.strictObject({}).nullish()

export const CONTENT_SORTS = ['createdAt', 'updatedAt', 'scheduledAt', 'title'] as const

const filters = {
  status: ContentStatus.optional(),
  kind: ContentKind.optional(),
  campaignId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  label: label.optional(),
  platform: Platform.optional(),
  scheduledAtFrom: scheduledAtSchema.optional(),
  scheduledAtTo: scheduledAtSchema.optional(),
  // Incremental sync (a BI tool asking what changed since its last run): inclusive bounds on
  // when an item was created or last changed, named as scheduledAtFrom/To and the events
  // feed's createdAtFrom/To are.
  ...timeRanges
}

export const ContentItemListQuery = z.strictObject({
  ...pageParams(CONTENT_SORTS, '-createdAt'),
  brandId: z.uuid().optional(),
  ...filters
}).superRefine(rangesInOrder)
export type ContentItemListQuery = z.infer<typeof ContentItemListQuery>
export type ContentFilters = Omit<ContentItemListQuery, 'limit' | 'cursor' | 'sort'>

/** A nested connection (Brand.contentItems, Campaign.contentItems): one statement for all parents. */
export const NestedContentQuery = z.strictObject({
  ...pageParams(['createdAt', 'updatedAt', 'title'], '-createdAt'),
  ...filters
}).superRefine(rangesInOrder)
export type NestedContentQuery = z.infer<typeof NestedContentQuery>

// ---- replies --------------------------------------------------------------------------------

export const MediaItemReply = z.object({
  url: z.string(),
  type: z.enum(['image', 'video', 'gif', 'document']),
  altText: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  durationSeconds: z.number().nullable()
})
export type MediaItemDto = z.infer<typeof MediaItemReply>

export const TargetReply = z.object({
  id: z.uuid(),
  socialAccountId: z.uuid(),
  platform: Platform,
  body: z.string().nullable(),
  media: z.array(MediaItemReply).nullable(),
  firstComment: z.string().nullable()
})
export type TargetDto = z.infer<typeof TargetReply>

export const ContentItemSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  campaignId: z.uuid().nullable(),
  title: z.string(),
  kind: ContentKind,
  body: z.string(),
  media: z.array(MediaItemReply),
  link: z.string().nullable(),
  hashtags: z.array(z.string()),
  firstComment: z.string().nullable(),
  labels: z.array(z.string()),
  assigneeId: z.uuid().nullable(),
  targets: z.array(TargetReply),
  status: ContentStatus,
  revision: z.number().int(),
  scheduledAt: z.string().nullable(),
  scheduledLocal: z.string().nullable(),
  timeZone: z.string().nullable(),
  scheduleBasis: z.enum(['instant', 'local']).nullable(),
  createdBy: z.object({ type: z.enum(['member', 'api_key', 'guest', 'system']), id: z.uuid().nullable() }),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type ContentItemDto = z.infer<typeof ContentItemSchema>
