import fp from 'fastify-plugin'
import type { EventsOptions } from './events.service.js'
import { createEventsRepository } from './events.repository.js'
import { createEventsService } from './events.service.js'
import { eventsRoutes } from './events.routes.js'
import { eventsResolvers } from './events.resolvers.js'
import './public.js'

// The outbox and its readers (GET /v1/events, /v1/audit-events). Every other module records
// its events through `app.events.record` and declares their types with `app.events.define`.
export default fp<EventsOptions>(async (app, opts) => {
  const service = createEventsService(createEventsRepository(app.cursors), { checkData: opts.checkData })
  app.decorate('events', service)
  await app.register(eventsRoutes, { service })
  app.graphql.defineResolvers(eventsResolvers(service))
  app.nodes.define({ type: 'Event', table: 'events', get: async (ctx, id) => await service.get(ctx, id) })
}, { name: 'events-module', dependencies: ['auth', 'graphql'] })
