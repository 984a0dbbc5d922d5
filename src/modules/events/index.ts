import fp from 'fastify-plugin'
import { createEventsRepository } from './events.repository.js'
import { createEventsService, type EventsService } from './events.service.js'
import { eventsRoutes } from './events.routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    events: EventsService
  }
}

export default fp(async (app) => {
  const service = createEventsService(createEventsRepository(app.cursors))
  app.decorate('events', service)
  await app.register(eventsRoutes, { service })
}, { name: 'events-module', dependencies: ['auth'] })
