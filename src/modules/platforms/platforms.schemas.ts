import { z } from 'zod'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { CONTENT_KINDS } from '../../db/tables/content-items.js'
import { MEDIA_TYPES } from './platform-types.js'
import { COUNTINGS } from './text-counting.js'

// Wire shapes of GET /v1/platforms, GET /v1/platforms/{platform} and POST /v1/platforms/check.
// Absent facts are null rather than missing, so every platform has the same shape.

export const PlatformName = z.enum(PLATFORMS)
const Kind = z.enum(CONTENT_KINDS)
const MediaTypeSchema = z.enum(MEDIA_TYPES)
const CountingSchema = z.enum(COUNTINGS)
const count = z.number().int().min(0)

/** Unknown names are a 404, not a 400: the path names a resource that does not exist. */
export const PlatformParams = z.strictObject({ platform: z.string().min(1).max(64) })
export const NoQuery = z.strictObject({})

const CommentRulesSchema = z.object({
  maxLength: count,
  counting: CountingSchema,
  urlLength: count.nullable(),
  maxBytes: count.nullable(),
  forbiddenCharacters: z.array(z.string())
})
const TextRulesSchema = CommentRulesSchema.extend({ required: z.enum(['never', 'without_media']) })
const MediaOptionSchema = z.object({ types: z.array(MediaTypeSchema), min: count, max: count.nullable() })

export const PlatformRulesSchema = z.object({
  platform: PlatformName,
  displayName: z.string(),
  kinds: z.array(z.object({ kind: Kind, text: TextRulesSchema, media: z.array(MediaOptionSchema) })),
  text: TextRulesSchema,
  firstComment: CommentRulesSchema.nullable(),
  media: z.object({
    min: count,
    max: count.nullable(),
    types: z.array(MediaTypeSchema),
    altText: z.object({ maxLength: count, counting: CountingSchema, appliesTo: z.array(MediaTypeSchema) }).nullable()
  }),
  hashtags: z.object({ max: count }).nullable(),
  link: z.object({ attachment: z.boolean(), clickableInText: z.boolean(), maxLength: count.nullable(), maxLinks: count.nullable() }),
  sources: z.array(z.object({ about: z.string(), url: z.string(), verified: z.boolean() }))
})
export type PlatformRulesDto = z.infer<typeof PlatformRulesSchema>

export const PlatformListSchema = z.object({ data: z.array(PlatformRulesSchema), nextCursor: z.null() })

// The check takes what a content item's target would publish. Bounds are generous guards, not
// platform limits (those are what the check reports).
const MediaItemInput = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  type: MediaTypeSchema,
  altText: z.string().max(10_000).nullable().optional(),
  width: z.number().int().min(1).max(100_000).nullable().optional(),
  height: z.number().int().min(1).max(100_000).nullable().optional(),
  durationSeconds: z.number().min(0).max(86_400).nullable().optional()
})

export const CheckContent = z.strictObject({
  kind: Kind,
  body: z.string().max(100_000).default(''),
  media: z.array(MediaItemInput).max(50).default([]),
  firstComment: z.string().max(100_000).nullable().default(null),
  hashtags: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  link: z.url({ protocol: /^https?$/ }).max(4096).nullable().default(null)
})

export const CheckBody = z.strictObject({ platform: PlatformName, content: CheckContent })
export type CheckInput = z.infer<typeof CheckBody>

export const CheckResultSchema = z.object({
  platform: PlatformName,
  valid: z.boolean(),
  violations: z.array(z.object({ field: z.enum(['kind', 'body', 'media', 'firstComment', 'hashtags', 'link']), message: z.string(), kind: z.enum(['limit', 'incomplete']) })),
  counts: z.object({
    counting: CountingSchema,
    textLength: count,
    textLimit: count,
    postLengths: z.array(count),
    bodyLength: count,
    firstCommentLength: count.nullable(),
    firstCommentLimit: count.nullable(),
    hashtagCount: count,
    hashtagLimit: count.nullable(),
    mediaCount: count,
    linkCount: count
  })
})
export type CheckResult = z.infer<typeof CheckResultSchema>
