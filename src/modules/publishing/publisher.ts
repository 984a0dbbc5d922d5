import type { Ctx } from '../../lib/context.js'

// The publisher contract (what a native network connector implements) and the beforeHandOver
// hook's shapes; other modules see them through public.ts.

/** One target of a due item, with everything needed to post it. */
export interface PublishRequest {
  contentItemId: string
  brandId: string
  publicationId: string
  attempt: number
  targetId: string
  socialAccount: { id: string, platform: string, handle: string, externalId: string | null, displayName: string | null }
  kind: string
  /** The text as it goes out: one entry per post (a thread has several), composed as the platform rules checked it. */
  posts: string[]
  media: unknown[]
  firstComment: string | null
  link: string | null
  hashtags: string[]
  scheduledAt: string
  late: boolean
}

/** What a publisher says about one target: handed on (the outcome comes later), or final. */
export type PublishOutcome =
  | { status: 'requested' }
  | { status: 'published', externalId: string, url: string | null, publishedAt: string }
  | { status: 'failed', reason: string, retryable: boolean }

/**
 * A way to publish one target. Runs inside the hand-over transaction (its events commit with
 * the move to publishing); one that calls a network should answer `requested` and report the
 * outcome later through `app.publishing.report`, rather than hold the transaction open.
 */
export interface Publisher {
  readonly name: string
  publish: (ctx: Ctx, request: PublishRequest) => Promise<PublishOutcome>
  /**
   * Optional set-based form, for a batch of due items (the outcomes in the order of the
   * requests). Without it, `publish` is called for each request, one after another.
   */
  publishMany?: (ctx: Ctx, requests: readonly PublishRequest[]) => Promise<PublishOutcome[]>
}

/** What a due item looks like to a beforeHandOver handler. */
export interface DueItem { id: string, brandId: string, scheduledAt: Date, late: boolean }

/** `undefined` lets the hand-over go on; `{ hold }` keeps the item scheduled and says why. */
export type HandOverVerdict = undefined | { hold: string }

/**
 * Runs inside the hand-over transaction (the item's row is locked) before anything is handed
 * over. The first handler that answers `{ hold }` wins: the item stays scheduled, a held
 * publication and `content_item.publish_held` are recorded, and nothing is posted until
 * `app.publishing.release(ctx, itemId)` queues it again.
 */
export type BeforeHandOver = (ctx: Ctx, item: DueItem) => Promise<HandOverVerdict>

/**
 * The set-based form of a beforeHandOver handler, for a batch of due items (their rows locked):
 * the verdict of each item it holds, by id (absent: not held). It is given only the items no
 * earlier handler held, as the one-item form would be.
 */
export type BeforeHandOverMany = (ctx: Ctx, items: readonly DueItem[]) => Promise<Map<string, { hold: string }>>
