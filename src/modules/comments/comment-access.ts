import { authorize, type Actor, type Role } from '../../lib/actor.js'
import { seesInternal } from '../../lib/visibility.js'
import { AppError } from '../../lib/errors.js'
import type { CommentVisibility } from './comments.schemas.js'

// Who may read and write which comments, in one place (pure: no database).
//
// - Reading needs content:read on the item's brand. Internal comments are for the agency's
//   team: the client role and guest reviewers never see them (they do not exist for them:
//   reading one by id is a 404, and they are left out of every list and the timeline).
// - Writing: every role that works on content — owner, admin, manager, creator, client — and
//   API keys with content:write (an integration that relays a discussion; its comments are
//   labelled with the key's name). Analysts read comments but do not write them: their role
//   is "read everything, no content edits", and the review thread is the workflow of the
//   people who write, review and approve. Guests write through /v1/guest/review/comments.
// - Clients and guests may write only shared comments (an internal one is a 403: a comment
//   its own author could not read back would be a trap, and silently making it shared could
//   leak what was meant to stay internal — so the caller must say shared).
// - Editing: only the author. Deleting: the author, or an owner, admin or manager (moderation).
// - Who wrote it: `author.label` (a member's email, a key's name, a guest's email) only for
//   readers who may read members (as approval decisions do), and for the author themself;
//   clients and guests see the author's type and id (src/lib/visibility.ts).

const MODERATORS: readonly Role[] = ['owner', 'admin', 'manager']

export function assertMayRead (actor: Actor): void {
  authorize(actor, 'content:read')
}

export function assertMayWrite (actor: Actor, visibility: CommentVisibility): void {
  if (actor.kind !== 'guest') {
    authorize(actor, 'content:read')
    if (actor.kind === 'api_key') authorize(actor, 'content:write')
    if (actor.kind === 'member' && actor.role === 'analyst') {
      throw new AppError('HERALD_FORBIDDEN', 'The analyst role reads comments but does not write them.')
    }
  }
  if (visibility === 'internal' && !seesInternal(actor)) {
    throw new AppError('HERALD_FORBIDDEN', 'Clients and guest reviewers see only shared comments, so they may write only shared ones: send visibility "shared".', {
      errors: [{ path: 'visibility', message: 'must be shared for this author' }]
    })
  }
}

export const isAuthor = (actor: Actor, row: { authorType: string, authorId: string }) =>
  row.authorType === actor.kind && row.authorId === actor.id

export function mayModerate (actor: Actor): boolean {
  return actor.kind === 'member' && actor.role !== undefined && MODERATORS.includes(actor.role)
}
