import type { ContentActions } from '../content-items/public.js'
import type { BlackoutsService } from '../blackouts/public.js'
import type { RecordEvent, RecordEvents } from '../events/public.js'
import type { Jobs } from '../../plugins/jobs.js'
import type { PublishingRepository, PublicationRow, PublicationTargetRow } from './publishing.repository.js'
import type { DueItemRow, PublishingQueries } from './publishing.queries.js'
import type { PublicationDto, PublicationTargetDto } from './publishing.schemas.js'
import type { BeforeHandOver, BeforeHandOverMany, Publisher } from './publisher.js'

// What the publishing service and its batch hand-over share: the jobs (names, keys, payloads),
// the settings, the service's dependencies and results, and the reply shapes.

export const PUBLISH_JOB = 'publish-content-item'
export const TIMEOUT_JOB = 'publish-timeout'
export const publishJobKey = (itemId: string) => `publish:${itemId}`
export const timeoutJobKey = (publicationId: string) => `publish-timeout:${publicationId}`

/**
 * How many due items one hand-over transaction takes at most: the job's first (its own item
 * and others of the organization) takes few, so the first hand-overs commit at once and the
 * own item's lock is held briefly; the batches the job then drains take many (throughput).
 * See README "Publishing", Bench.
 */
export const FIRST_BATCH = 20
export const HAND_OVER_BATCH = 200

/** A batch entry: the locked row, the instant it is due at, how late it is found. */
export interface Due { item: DueItemRow, due: Date, lateness: number, late: boolean }

export interface PublishJobPayload { orgId: string, itemId: string, scheduledAt: string }
export interface TimeoutJobPayload { orgId: string, publicationId: string }

declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    /** Hand one due item over (keyed publish:<itemId>: one per item). */
    'publish-content-item': PublishJobPayload
    /** Fail a hand-over's silent targets with publisher_timeout (keyed per publication). */
    'publish-timeout': TimeoutJobPayload
    /** Every minute: re-queue due items whose job died with its worker; time out silent hand-overs. */
    'publishing-sweep': Record<string, unknown>
  }
}

export interface PublishingSettings {
  /** A target with no outcome after this long fails with publisher_timeout. */
  timeoutMs: number
  /** Due items later than this fail with missed_schedule instead of being posted. */
  missedLimitMs: number
  /** Handed over later than this after scheduledAt: flagged `late`. */
  lateAfterMs: number
}

export type HandOverResult =
  | { outcome: 'handed_over', publicationId: string, late: boolean }
  | { outcome: 'failed', reason: string }
  | { outcome: 'held', reason: string }
  | { outcome: 'requeued', at: string }
  | { outcome: 'skipped', why: 'gone' | 'not_scheduled' | 'stale_job' }

export interface PublishingDeps {
  repo: PublishingRepository
  queries: PublishingQueries
  content: Pick<ContentActions, 'transition' | 'transitionMany'>
  blackouts: Pick<BlackoutsService, 'covering'>
  jobs: Pick<Jobs, 'add' | 'addMany' | 'remove' | 'removeMany'>
  record: RecordEvent
  recordMany: RecordEvents
  publisher: Publisher
  settings: PublishingSettings
  beforeHandOver: ReadonlyArray<{ one: BeforeHandOver, many?: BeforeHandOverMany }>
  /** At most this many items in the job's first transaction (its own and others); default FIRST_BATCH. */
  firstBatch?: number
  /** At most this many items in each further batch the job drains; default HAND_OVER_BATCH. */
  batchSize?: number
  now?: () => Date
}

const iso = (d: Date | null) => d ? d.toISOString() : null

export function toTargetDto (t: PublicationTargetRow): PublicationTargetDto {
  return {
    targetId: t.targetId,
    socialAccountId: t.socialAccountId,
    status: t.status,
    externalId: t.externalId,
    url: t.url,
    publishedAt: iso(t.publishedAt),
    error: t.error,
    retryable: t.retryable,
    requestedAt: t.requestedAt.toISOString(),
    reportedAt: iso(t.reportedAt)
  }
}

export function toPublicationDto (p: PublicationRow, targets: readonly PublicationTargetRow[]): PublicationDto {
  return {
    id: p.id,
    contentItemId: p.contentItemId,
    attempt: p.attempt,
    status: p.status,
    scheduledAt: p.scheduledAt.toISOString(),
    late: p.late,
    reason: p.reason,
    detail: p.detail,
    publisher: p.publisher,
    startedAt: p.startedAt.toISOString(),
    deadlineAt: iso(p.deadlineAt),
    finishedAt: iso(p.finishedAt),
    targets: targets.map(toTargetDto)
  }
}
