import type { z } from 'zod'
import type { Ctx } from '../../lib/context.js'

/**
 * Every event type Herald writes, by name. Each module adds its own from its public.ts by
 * interface merging, next to the descriptions it declares at start-up:
 *
 *   export const BRAND_EVENTS = { 'brand.created': 'A brand was created.', … } as const
 *   declare module '../events/public.js' {
 *     interface EventCatalogue extends Record<keyof typeof BRAND_EVENTS, true> {}
 *   }
 *   export const BRAND_EVENT_DATA = { 'brand.created': z.object({ brand: BrandSchema }), … } satisfies EventDataSchemas<typeof BRAND_EVENTS>
 *   // in its plugin: app.events.define(BRAND_EVENTS, BRAND_EVENT_DATA)
 *
 * so that `record` accepts only declared names, and GET /v1/event-types (webhooks) lists them
 * with the JSON Schema of their data (the zod schema here, converted), as openapi.yaml's
 * `webhooks` section does; test/modules/event-data.test.ts checks recorded events against it.
 */
export interface EventCatalogue {}
export type EventType = Extract<keyof EventCatalogue, string>

/** A module's event types and what each means, in plain words. */
export type EventDescriptions = Readonly<Record<string, string>>

/**
 * The shape of each type's own `data` (what the module passes to `record`), one per type: the
 * single source of the catalogue's schemas and examples and of openapi.yaml's webhooks.
 */
export type EventDataSchemas<D extends EventDescriptions = EventDescriptions> = { readonly [K in keyof D]: z.ZodObject<any> }

export interface EventInput {
  /** Chosen by the caller when it must point at the event in the same transaction (webhook deliveries); random otherwise. */
  id?: string
  type: EventType
  subjectType: string
  subjectId: string
  /** The brand the change concerns; null or absent for organization-level events. */
  brandId?: string | null
  data: Record<string, unknown>
}

/** Writes an event in the caller's transaction: the change and its event commit together. */
export type RecordEvent = (ctx: Ctx, event: EventInput) => Promise<void>

/**
 * Writes many events in the caller's transaction in one statement (set-based work: a
 * publishing batch); each is checked and announced (afterRecord) as `record` would, in order.
 */
export type RecordEvents = (ctx: Ctx, events: readonly EventInput[]) => Promise<void>

/** What afterRecord handlers learn of an event just recorded (in the same transaction). */
export interface RecordedEvent {
  id: string
  type: EventType
  brandId: string | null
}
