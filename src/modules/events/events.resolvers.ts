import type { IResolvers } from 'mercurius'
import { resolveConnection } from '../../graphql/connection.js'
import { EventListQuery, type EventDto } from './events.schemas.js'
import type { EventsService } from './events.service.js'

// The events feed in GraphQL: GET /v1/events's list schema, service and page, so both faces
// take the same filters and refuse the same values (events:read, brand scope, createdAt range).
// `data` is a JSON object as text, as TimelineEntry.data is: its members depend on the type.
export function eventsResolvers (service: EventsService): IResolvers {
  return {
    Query: {
      events: async (_root, args, { ctx }, info) => await resolveConnection(EventListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Event: {
      data: (event: EventDto) => JSON.stringify(event.data ?? {})
    }
  }
}
