import { z } from 'zod'
import { CommentSchema } from '../comments/public.js'
import { TimelineEntrySchema } from '../timeline/public.js'

// The guest's review page: what was submitted (the revision under review, not whatever the
// item has become since), where the review stands, and the shared conversation.

const MediaSchema = z.object({
  url: z.string(),
  type: z.string(),
  altText: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  durationSeconds: z.number().nullable()
})

export const GuestReviewSchema = z.object({
  link: z.object({ id: z.uuid(), email: z.string().nullable(), expiresAt: z.string() }),
  request: z.object({
    id: z.uuid(),
    status: z.enum(['open', 'approved', 'changes_requested', 'rejected', 'invalidated']),
    /** The revision under review. */
    revision: z.number().int(),
    /** Index into steps of the step collecting decisions (steps.length once approved). */
    currentStep: z.number().int(),
    dueAt: z.string().nullable(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    steps: z.array(z.object({ name: z.string(), mode: z.enum(['any', 'all']), clientStep: z.boolean() })),
    decisions: z.array(z.object({
      step: z.number().int(),
      stepName: z.string().nullable(),
      decision: z.enum(['approve', 'request_changes', 'reject']),
      /** Only for decisions at client steps; internal reviewers' comments stay internal. */
      comment: z.string().nullable(),
      actor: z.object({ type: z.enum(['member', 'api_key', 'guest', 'system']), label: z.string().nullable() }),
      createdAt: z.string()
    })),
    /** Whether this link may decide now: the request is open, at a client step, not yet decided by it. */
    canDecide: z.boolean()
  }),
  contentItem: z.object({
    id: z.uuid(),
    status: z.string(),
    /** The item's revision now; differs from request.revision when it was edited since. */
    currentRevision: z.number().int(),
    submitted: z.object({
      title: z.string(),
      kind: z.string(),
      body: z.string(),
      media: z.array(MediaSchema),
      link: z.string().nullable(),
      hashtags: z.array(z.string()),
      firstComment: z.string().nullable(),
      targets: z.array(z.object({
        socialAccountId: z.uuid(),
        platform: z.string().nullable(),
        handle: z.string().nullable(),
        displayName: z.string().nullable(),
        body: z.string().nullable(),
        media: z.array(MediaSchema).nullable(),
        firstComment: z.string().nullable()
      })),
      scheduledAt: z.string().nullable(),
      scheduledLocal: z.string().nullable(),
      timeZone: z.string().nullable()
    })
  }),
  /** The newest shared comments, oldest first; commentsTruncated when there are older ones. */
  comments: z.array(CommentSchema),
  commentsTruncated: z.boolean(),
  /** The newest timeline entries as a client sees them, oldest first. */
  timeline: z.array(TimelineEntrySchema),
  timelineTruncated: z.boolean()
})
export type GuestReviewDto = z.infer<typeof GuestReviewSchema>
