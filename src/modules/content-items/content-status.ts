import { AppError } from '../../lib/errors.js'
import { CONTENT_STATUSES, type ContentStatus } from '../../db/tables/content-items.js'

// The content status machine as data: which status may follow which. No database, no I/O, so
// it is tested on its own (test/unit/content-status.test.ts). Who may trigger a move is the
// service's business; whether a move exists at all is decided here and only here.
//
//   scheduled → failed when the publisher's checks at hand-over fail (missed schedule, a blackout…)
//   draft ─submit→ in_review ─(approvals)→ approved ─schedule→ scheduled ─(publisher)→ publishing → published
//                   │  ↑ submit             ↑ unschedule ─────────┘                      └→ failed ─schedule→ scheduled
//                   ↓  │                                                                            └→ draft
//             changes_requested
//   in_review, approved, scheduled → draft   when what would be published changes (or a reviewer rejects)
//   any except archived → archived;  archived → draft (restore)

export const TRANSITIONS: Readonly<Record<ContentStatus, readonly ContentStatus[]>> = {
  draft: ['in_review', 'archived'],
  in_review: ['approved', 'changes_requested', 'draft', 'archived'],
  changes_requested: ['in_review', 'archived'],
  approved: ['scheduled', 'draft', 'archived'],
  scheduled: ['approved', 'publishing', 'failed', 'draft', 'archived'],
  publishing: ['published', 'failed', 'archived'],
  published: ['archived'],
  failed: ['scheduled', 'draft', 'archived'],
  archived: ['draft']
}

export const canTransition = (from: ContentStatus, to: ContentStatus): boolean => TRANSITIONS[from].includes(to)

/**
 * The client-facing actions: where each may start and where it goes. Narrower than the table:
 * unschedule leads to approved, but only from scheduled (in_review → approved is the
 * reviewers' move, never a client action), and restore leads to draft only from archived.
 */
export const ACTIONS = {
  submit: { from: ['draft', 'changes_requested'], to: 'in_review' },
  schedule: { from: ['approved', 'failed'], to: 'scheduled' },
  unschedule: { from: ['scheduled'], to: 'approved' },
  archive: { from: CONTENT_STATUSES.filter((s) => s !== 'archived'), to: 'archived' },
  restore: { from: ['archived'], to: 'draft' }
} as const satisfies Record<string, { from: readonly ContentStatus[], to: ContentStatus }>
export type ContentAction = keyof typeof ACTIONS

/** The actions a client may take on an item in this status. */
export const actionsFrom = (status: ContentStatus): ContentAction[] =>
  (Object.keys(ACTIONS) as ContentAction[]).filter((a) => (ACTIONS[a].from as readonly ContentStatus[]).includes(status))

export function illegalTransition (from: ContentStatus, to: ContentStatus, what = `move from ${from} to ${to}`): AppError {
  const allowed = TRANSITIONS[from]
  const actions = actionsFrom(from)
  return new AppError('HERALD_ILLEGAL_TRANSITION', `Cannot ${what}: the item is ${from}; from ${from} it may move to ${allowed.join(', ') || 'nothing'}` +
    ` (actions: ${actions.join(', ') || 'none'}).`, {
    extra: { currentStatus: from, allowed: [...allowed], allowedActions: actions }
  })
}

/** Throws 409 HERALD_ILLEGAL_TRANSITION (with the allowed next statuses) when the move does not exist. */
export function assertTransition (from: ContentStatus, to: ContentStatus, what?: string): void {
  if (!canTransition(from, to)) throw illegalTransition(from, to, what)
}

/** Throws 409 HERALD_ILLEGAL_TRANSITION when a client action cannot start from this status. */
export function assertAction (from: ContentStatus, action: ContentAction): void {
  if (!(ACTIONS[action].from as readonly ContentStatus[]).includes(from)) throw illegalTransition(from, ACTIONS[action].to, action)
}

/** Fields whose change alters what would be published; changing them needs a new review. */
export const PUBLISHABLE_FIELDS = ['kind', 'body', 'media', 'link', 'hashtags', 'firstComment', 'targets'] as const

export const isPublishableChange = (changed: readonly string[]): boolean =>
  changed.some((f) => (PUBLISHABLE_FIELDS as readonly string[]).includes(f))

/** Statuses whose content is frozen: it is being or has been published, or is archived. */
const FROZEN: readonly ContentStatus[] = ['publishing', 'published', 'archived']

/** Statuses that an edit of what would be published sends back to draft (a new review). */
const REVIEWED: readonly ContentStatus[] = ['in_review', 'approved', 'scheduled', 'failed']

/** Throws 409 for content that can no longer be edited. */
export function assertEditable (status: ContentStatus): void {
  if (FROZEN.includes(status)) {
    throw new AppError('HERALD_CONFLICT', `A ${status} item cannot be edited${status === 'archived' ? '; restore it first' : ''}.`, {
      extra: { currentStatus: status, allowed: [...TRANSITIONS[status]], allowedActions: actionsFrom(status) }
    })
  }
}

/** What an edit does to the status: null keeps it, 'draft' sends it back for a new review. */
export function statusAfterEdit (status: ContentStatus, changed: readonly string[]): 'draft' | null {
  return REVIEWED.includes(status) && isPublishableChange(changed) ? 'draft' : null
}

/** Only drafts may be deleted; everything else keeps its history and is archived instead. */
export function assertDeletable (status: ContentStatus): void {
  if (status !== 'draft') {
    throw new AppError('HERALD_CONFLICT', `Only drafts can be deleted; this item is ${status}. Archive it instead (POST /v1/content-items/{id}/archive).`, {
      extra: { currentStatus: status, allowed: [...TRANSITIONS[status]], allowedActions: actionsFrom(status) }
    })
  }
}
