import { randomUUID } from 'node:crypto'
import { authorize } from '../../lib/actor.js'
import { ManyHook } from '../../lib/hooks.js'
import type { Ctx } from '../../lib/context.js'
import { iso } from '../../lib/http.js'
import { notFound } from '../../lib/errors.js'
import { actorRef, type Actor } from '../../lib/actor.js'
import { labelFor } from '../../lib/visibility.js'
import type { EventDataSchemas, EventDescriptions, EventInput, EventType, RecordedEvent, RecordEvent, RecordEvents } from './events.types.js'
import type { EventsRepository, EventRow } from './events.repository.js'
import type { AuditEventDto, AuditListQuery, EventDto, EventListQuery } from './events.schemas.js'

/** An event as this reader may see it: who acted, with their label only for readers who may read members. */
const toEventDto = (reader: Actor, r: EventRow): EventDto => {
  const actor = { type: r.actorType, id: r.actorId, label: r.actorLabel }
  return { id: r.id, type: r.type, subjectType: r.subjectType, subjectId: r.subjectId, brandId: r.brandId, actor: { ...actor, label: labelFor(reader, actor) }, data: r.data as Record<string, unknown>, createdAt: iso(r.createdAt)! }
}

const toAuditDto = (r: EventRow): AuditEventDto => ({
  id: r.id,
  action: r.type,
  subjectType: r.subjectType,
  subjectId: r.subjectId,
  brandId: r.brandId,
  actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
  requestId: r.requestId,
  data: r.data as Record<string, unknown>,
  createdAt: iso(r.createdAt)!
})

export interface EventsOptions {
  /**
   * Check every recorded event's data against its declared schema (as stored: JSON), and
   * refuse one that does not fit: on in tests, so a drift between what a module records and
   * what the catalogue and openapi.yaml promise fails the test that recorded it.
   */
  checkData?: boolean
}

export function createEventsService (repo: Pick<EventsRepository, 'insert' | 'insertMany' | 'list' | 'findById'>, opts: EventsOptions = {}) {
  /** The catalogue: every declared type, its description and the schema of its data, in the order declared. */
  const catalogue = new Map<string, { description: string, data: EventDataSchemas[string] }>()

  /**
   * afterRecord: runs in the recording transaction once the event is queued with it (webhooks
   * owe their deliveries there, so an event and what it is owed commit together). A handler's
   * set-based form (`register(one, many)`) is given all the events of a recordMany at once.
   */
  const hooks = { afterRecord: new ManyHook<Ctx, RecordedEvent>() }

  /** The row of an event, after the checks every recorded event passes. */
  function rowOf (ctx: Ctx, event: EventInput) {
    // A type nobody declared is a programming error (a typo, or a module that forgot to
    // declare it): refused here, so no integration ever sees an undocumented event.
    const declared = catalogue.get(event.type)
    if (!declared) throw new Error(`event type ${event.type} is not declared; add it to its module's public.ts and define it`)
    if (opts.checkData) {
      const checked = declared.data.safeParse(JSON.parse(JSON.stringify(event.data)))
      if (!checked.success) throw new Error(`the data of ${event.type} does not fit its declared schema (its module's public.ts): ${checked.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ')}`)
    }
    const actor = actorRef(ctx.actor)
    return {
      ...event,
      id: event.id ?? randomUUID(),
      brandId: event.brandId ?? null,
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      // Work of the system answers no request.
      requestId: ctx.actor.kind === 'system' ? null : ctx.requestId
    }
  }

  const record: RecordEvent = async (ctx, event) => {
    const row = rowOf(ctx, event)
    await repo.insert(ctx.actor.orgId, row, ctx.db)
    if (!hooks.afterRecord.isEmpty) await hooks.afterRecord.run(ctx, { id: row.id, type: event.type, brandId: row.brandId })
  }

  const recordMany: RecordEvents = async (ctx, list) => {
    const rows = list.map((event) => rowOf(ctx, event))
    await repo.insertMany(ctx.actor.orgId, rows, ctx.db)
    if (!hooks.afterRecord.isEmpty) await hooks.afterRecord.runMany(ctx, rows.map((row) => ({ id: row.id, type: row.type, brandId: row.brandId })))
  }

  return {
    record,
    recordMany,
    hooks,

    /** Declares a module's event types and the shape of each one's data (called by each module's plugin as it loads). */
    define<D extends EventDescriptions> (descriptions: D, data: EventDataSchemas<D>): void {
      for (const [type, description] of Object.entries(descriptions)) {
        if (catalogue.has(type)) throw new Error(`event type ${type} is declared twice`)
        if (!data[type]) throw new Error(`event type ${type} has no data schema`)
        catalogue.set(type, { description, data: data[type] })
      }
    },

    /** Every declared event type with its description and the zod schema of its own data. */
    types (): Array<{ type: EventType, description: string, data: EventDataSchemas[string] }> {
      return [...catalogue].map(([type, { description, data }]) => ({ type: type as EventType, description, data }))
    },

    async list (ctx: Ctx, q: EventListQuery) {
      authorize(ctx.actor, 'events:read')
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map((r) => toEventDto(ctx.actor, r)) }
    },

    /** One event, seen as the feed shows it: a brand-limited reader sees its brands' events only. */
    async get (ctx: Ctx, id: string): Promise<EventDto> {
      authorize(ctx.actor, 'events:read')
      const row = await repo.findById(ctx.actor.orgId, id, ctx.db)
      const limited = ctx.actor.brandIds
      if (!row || (limited && !(row.brandId && limited.includes(row.brandId)))) throw notFound('Event')
      return toEventDto(ctx.actor, row)
    },

    async listAudit (ctx: Ctx, q: AuditListQuery) {
      authorize(ctx.actor, 'audit:read')
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      return { ...page, data: page.data.map(toAuditDto) }
    }
  }
}
export type EventsService = ReturnType<typeof createEventsService>
