import { z } from 'zod'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { ActorRef } from '../../lib/schemas.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

// Every wire shape of comments, written once: REST bodies and queries, GraphQL arguments (the
// same schemas through parseArgs) and replies.

export const MAX_COMMENT = 10_000
export const MAX_MENTIONS = 20

export const CommentVisibility = z.enum(['internal', 'shared'])
export type CommentVisibility = z.infer<typeof CommentVisibility>

/** Membership ids, each at most once: who the comment notifies (see the README). */
const mentions = z.array(z.uuid()).max(MAX_MENTIONS).superRefine((list, ctx) => {
  const seen = new Set<string>()
  list.forEach((id, i) => {
    if (seen.has(id.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i], message: 'this member is already mentioned' })
    seen.add(id.toLowerCase())
  })
})

export const CreateCommentBody = z.strictObject({
  body: text(MAX_COMMENT),
  /** Required: who may read a comment is never left to a default. */
  visibility: CommentVisibility,
  mentions: mentions.optional()
})
export type CreateCommentInput = z.infer<typeof CreateCommentBody>

export const UpdateCommentBody = z.strictObject({
  body: text(MAX_COMMENT).optional(),
  visibility: CommentVisibility.optional(),
  /** Replaces the list. */
  mentions: mentions.optional()
})
export type UpdateCommentInput = z.infer<typeof UpdateCommentBody>

/** What a guest sends: always a shared comment, never mentions. */
export const GuestCommentBody = z.strictObject({
  body: text(MAX_COMMENT)
})
export type GuestCommentInput = z.infer<typeof GuestCommentBody>

export const CommentListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt'),
  visibility: CommentVisibility.optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type CommentListQuery = z.infer<typeof CommentListQuery>

export const CommentParams = z.strictObject({ id: z.uuid(), commentId: z.uuid() })

export const CommentSchema = z.object({
  id: z.uuid(),
  contentItemId: z.uuid(),
  body: z.string(),
  visibility: CommentVisibility,
  mentions: z.array(z.uuid()),
  author: ActorRef,
  /** The item's revision when the comment was written. */
  revision: z.number().int().nullable(),
  editedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type CommentDto = z.infer<typeof CommentSchema>
