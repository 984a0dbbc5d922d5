import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { ActorRef } from '../../lib/schemas.js'

export const TIMELINE_TYPES = ['revision', 'submitted', 'scheduled', 'status_changed', 'decision', 'comment', 'request_invalidated', 'request_overdue', 'publishing', 'publish_requested', 'published', 'publish_failed', 'publish_held'] as const
export type TimelineType = typeof TIMELINE_TYPES[number]

export const TimelineQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt')
})
export type TimelineQuery = z.infer<typeof TimelineQuery>

export const TimelineEntrySchema = z.object({
  /** The id of the underlying record: a revision, an event, a decision or a comment. */
  id: z.uuid(),
  type: z.enum(TIMELINE_TYPES),
  at: z.string(),
  actor: ActorRef,
  data: z.record(z.string(), z.unknown())
})
export type TimelineEntryDto = z.infer<typeof TimelineEntrySchema>
