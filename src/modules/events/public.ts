// What other modules may use of the events module: `app.events` (record an event in the
// caller's transaction, declare event types), the event types themselves, and the wire shapes.
import type { EventsService } from './events.service.js'

export type { EventsService } from './events.service.js'
export type { EventDto, AuditEventDto } from './events.schemas.js'
export type { EventCatalogue, EventType, EventDescriptions, EventDataSchemas, EventInput, RecordEvent, RecordEvents, RecordedEvent } from './events.types.js'

declare module 'fastify' {
  interface FastifyInstance {
    events: EventsService
  }
}
