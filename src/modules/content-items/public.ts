// What other modules may use of content items: `app.contentItems` (the status door
// `transition`, hooks on submission, edits and status moves, batched nodes for GraphQL edges),
// `app.contentRevisions` (is a revision still what would be published), the reply shapes and
// the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { CONTENT_STATUSES } from '../../db/tables/content-items.js'
import { ContentItemSchema } from './content-items.schemas.js'
import type { ContentActions } from './content-actions.js'
import type { ContentCalendar } from './content-calendar.js'
import type { ContentItemsService } from './content-items.service.js'
import type { ContentRevisionsService } from './content-revisions.service.js'

export type { ContentHooks, ManyMoved, TransitionInfo } from './content-core.js'
export type { ContentItemsService, ContentItemNode } from './content-items.service.js'
export type { ContentActions } from './content-actions.js'
export type { ContentRevisionsService } from './content-revisions.service.js'
export { samePublishableSnapshots } from './content-revisions.service.js'
export type { ContentItemDto, TargetDto } from './content-items.schemas.js'
export type { ContentStatus } from '../../db/tables/content-items.js'
export { normaliseMedia } from './content-state.js'
export { ContentItemSchema } from './content-items.schemas.js'

export const CONTENT_ITEM_EVENTS = {
  'content_item.created': 'A content item (a post for one or more social accounts) was created.',
  'content_item.updated': 'A content item was edited; a new revision was stored. Lists the fields that changed.',
  'content_item.deleted': 'A draft content item was deleted.',
  'content_item.status_changed': "A content item's status moved; says from what, to what and why.",
  'content_item.returned_to_draft': 'An edit (or a restore) returned the item to draft; its approval no longer stands.',
  'content_item.submitted': 'A content item was submitted for review.',
  'content_item.scheduled': 'An approved content item was scheduled (instant, and local time where given).',
  'content_item.unscheduled': 'A scheduled content item was taken off the schedule (it stays approved).',
  'content_item.archived': 'A content item was archived.',
  'content_item.restored': 'An archived content item was restored to draft.'
} as const

const Status = z.enum(CONTENT_STATUSES)

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const CONTENT_ITEM_EVENT_DATA = {
  'content_item.created': z.strictObject({ contentItem: ContentItemSchema }),
  'content_item.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), revision: z.number().int(), contentItem: ContentItemSchema }),
  'content_item.deleted': z.strictObject({ contentItem: ContentItemSchema, reason: z.literal('brand_deleted').optional().describe('Present when the item went with its brand.') }),
  'content_item.status_changed': z.strictObject({ from: Status, to: Status, reason: z.string(), revision: z.number().int() }),
  'content_item.returned_to_draft': z.strictObject({ from: Status, reason: z.string(), changed: z.array(z.string()).optional().describe('When an edit returned it: the fields that changed.') }),
  'content_item.submitted': z.strictObject({ from: Status, revision: z.number().int(), dueAt: z.string().nullable() }),
  'content_item.scheduled': z.strictObject({ scheduledAt: z.string().nullable(), scheduledLocal: z.string().nullable(), timeZone: z.string(), scheduleBasis: z.string().nullable() }),
  'content_item.unscheduled': z.strictObject({ scheduledAt: z.string().nullable() }),
  'content_item.archived': z.strictObject({ from: Status }),
  'content_item.restored': z.strictObject({ archivedFrom: Status.nullable() })
} satisfies EventDataSchemas<typeof CONTENT_ITEM_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof CONTENT_ITEM_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Content items: CRUD, actions, `hooks` and `transition` for other modules. */
    contentItems: ContentItemsService & ContentActions
    contentRevisions: ContentRevisionsService
    contentCalendar: ContentCalendar
  }
}
