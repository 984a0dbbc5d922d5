import { z } from 'zod'
import { instantSchema } from '../../lib/schemas.js'
import { PUBLICATION_STATUSES, PUBLICATION_TARGET_STATUSES } from '../../db/tables/publishing.js'

// Wire shapes of publishing: an outcome an integration reports for one target, and a
// publication (one hand-over of an item) with its targets' outcomes.

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048)

export const PublishResultBody = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('published'),
    externalId: z.string().trim().min(1).max(256),
    url: httpUrl.nullish(),
    publishedAt: instantSchema.nullish()
  }),
  z.strictObject({
    status: z.literal('failed'),
    reason: z.string().trim().min(1).max(1000),
    retryable: z.boolean().default(false)
  })
])
export type PublishResultInput = z.infer<typeof PublishResultBody>

export const TargetParams = z.strictObject({ id: z.uuid(), targetId: z.uuid() })

export const PublicationTargetSchema = z.object({
  targetId: z.uuid(),
  socialAccountId: z.uuid(),
  status: z.enum(PUBLICATION_TARGET_STATUSES),
  externalId: z.string().nullable(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(),
  error: z.string().nullable(),
  retryable: z.boolean().nullable(),
  requestedAt: z.string(),
  reportedAt: z.string().nullable()
})
export type PublicationTargetDto = z.infer<typeof PublicationTargetSchema>

export const PublicationSchema = z.object({
  id: z.uuid(),
  contentItemId: z.uuid(),
  attempt: z.number().int(),
  status: z.enum(PUBLICATION_STATUSES),
  scheduledAt: z.string(),
  late: z.boolean(),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  publisher: z.string(),
  startedAt: z.string(),
  deadlineAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  targets: z.array(PublicationTargetSchema)
})
export type PublicationDto = z.infer<typeof PublicationSchema>

export const PublicationList = z.object({ data: z.array(PublicationSchema) })
