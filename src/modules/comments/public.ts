// What other modules may use of comments: `app.comments` (a guest's comments on its own
// review), the wire shapes guest review reuses, the events.
import type { CommentsService } from './comments.service.js'

export type { CommentsService } from './comments.service.js'
export type { CommentDto, GuestCommentInput } from './comments.schemas.js'
export { CommentSchema, GuestCommentBody } from './comments.schemas.js'

export const COMMENT_EVENTS = {
  'comment.created': 'A comment was written on a content item (internal, or shared with the client), with the members it mentions.',
  'comment.updated': 'A comment was edited.',
  'comment.deleted': 'A comment was deleted.'
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof COMMENT_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Comments on content items; `createAsGuest` and `sharedForGuest` serve guest review. */
    comments: CommentsService
  }
}
