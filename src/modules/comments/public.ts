// What other modules may use of comments: `app.comments` (a guest's comments on its own
// review), the wire shapes guest review reuses, the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { CommentSchema } from './comments.schemas.js'
import type { CommentsService } from './comments.service.js'

export type { CommentsService } from './comments.service.js'
export type { CommentDto, GuestCommentInput } from './comments.schemas.js'
export { CommentSchema, GuestCommentBody } from './comments.schemas.js'

export const COMMENT_EVENTS = {
  'comment.created': 'A comment was written on a content item (internal, or shared with the client), with the members it mentions.',
  'comment.updated': 'A comment was edited.',
  'comment.deleted': 'A comment was deleted.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const COMMENT_EVENT_DATA = {
  'comment.created': z.strictObject({ contentItemId: z.uuid(), comment: CommentSchema }),
  'comment.updated': z.strictObject({ contentItemId: z.uuid(), changed: z.array(z.string()).describe('The fields that changed.'), comment: CommentSchema }),
  'comment.deleted': z.strictObject({ contentItemId: z.uuid(), comment: CommentSchema })
} satisfies EventDataSchemas<typeof COMMENT_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof COMMENT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Comments on content items; `createAsGuest` and `sharedForGuest` serve guest review. */
    comments: CommentsService
  }
}
