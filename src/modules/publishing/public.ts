// What other modules may use of publishing: `app.publishing` (hand-over, outcomes, releasing a
// held item), the `beforeHandOver` hook (crisis pauses a brand through it), the `Publisher`
// interface (native network connectors plug in here later), the reply shapes and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { PublicationTargetSchema } from './publishing.schemas.js'
import type { PublishingService } from './publishing.service.js'
import type { HandOverResult, PublishJobPayload } from './publishing.model.js'
import type { BeforeHandOver, BeforeHandOverMany } from './publisher.js'

export type { PublishingService } from './publishing.service.js'
export type { PublicationDto, PublicationTargetDto } from './publishing.schemas.js'

export const PUBLISHING_EVENTS = {
  'content_item.publishing': 'A due content item was handed over to its publisher (status publishing): the attempt, whether it is late, and its targets.',
  'content_item.publish_requested': 'The built-in webhook publisher asks the integration to post one target: the final text, media, first comment and the social account (platform, handle, external id). Report the outcome with POST /v1/content-items/{id}/targets/{targetId}/publish-result.',
  'content_item.published': 'Every target of a content item was published: each target with its external post id, URL and time.',
  'content_item.failed': 'Publishing a content item failed: why (missed_schedule, publisher_timeout, target_failed, blackout, approval_stale…) and each target\'s outcome. Scheduling it again retries.',
  'content_item.publish_held': 'A due content item was not handed over because a module held it (e.g. its brand is paused by a crisis); it stays scheduled until released.'
} as const

const ofPublication = { publicationId: z.uuid(), attempt: z.number().int(), late: z.boolean(), scheduledAt: z.string() }

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const PUBLISHING_EVENT_DATA = {
  'content_item.publishing': z.strictObject({ ...ofPublication, lateBySeconds: z.number().int(), publisher: z.string(), targets: z.array(PublicationTargetSchema) }),
  'content_item.publish_requested': z.strictObject({
    publicationId: z.uuid(),
    attempt: z.number().int(),
    targetId: z.uuid(),
    socialAccount: z.strictObject({ id: z.uuid(), platform: z.string(), handle: z.string(), externalId: z.string().nullable(), displayName: z.string().nullable() }),
    kind: z.string(),
    text: z.string().describe('The posts joined by blank lines.'),
    posts: z.array(z.string()).describe('One entry per post (a thread has several).'),
    media: z.array(z.record(z.string(), z.unknown())),
    firstComment: z.string().nullable(),
    link: z.string().nullable(),
    hashtags: z.array(z.string()),
    scheduledAt: z.string(),
    late: z.boolean(),
    reportTo: z.string().describe('Where to POST the outcome (publish-result).')
  }),
  'content_item.published': z.strictObject({ ...ofPublication, targets: z.array(PublicationTargetSchema) }),
  'content_item.failed': z.strictObject({ ...ofPublication, reason: z.string(), detail: z.string().nullable(), targets: z.array(PublicationTargetSchema) }),
  'content_item.publish_held': z.strictObject({ publicationId: z.uuid(), reason: z.string(), scheduledAt: z.string(), late: z.boolean() })
} satisfies EventDataSchemas<typeof PUBLISHING_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof PUBLISHING_EVENTS, true> {}
}

export type { BeforeHandOver, BeforeHandOverMany, DueItem, HandOverVerdict, Publisher, PublishOutcome, PublishRequest } from './publisher.js'

export interface PublishingHooks {
  /** `many`: the handler's set-based form; without it, the handler is asked per item of a batch. */
  beforeHandOver: { register: (handler: BeforeHandOver, many?: BeforeHandOverMany) => () => void }
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Publishing: hand-over, outcomes, release; `hooks.beforeHandOver`; `sweep()` runs one sweep
     * (tests, jobs); `runJob(payload)` does what a publish job does (its hand-over, then drains
     * the organization's due items) and answers its own item's result.
     */
    publishing: PublishingService & {
      hooks: PublishingHooks
      sweep: () => Promise<{ requeued: number, timedOut: number }>
      runJob: (payload: PublishJobPayload, signal?: AbortSignal) => Promise<HandOverResult>
    }
  }
}
