import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { pageOf, useZod } from '../../lib/http.js'
import { AuditEventSchema, AuditListQuery, EventListQuery, EventSchema } from './events.schemas.js'
import type { EventsService } from './events.service.js'

export const eventsRoutes: FastifyPluginAsyncZod<{ service: EventsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/events', {
    config: { auth: 'actor' },
    schema: { querystring: EventListQuery, response: { 200: pageOf(EventSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.get('/v1/audit-events', {
    config: { auth: 'actor' },
    schema: { querystring: AuditListQuery, response: { 200: pageOf(AuditEventSchema) } }
  }, async (req) => await service.listAudit(req.ctx(), req.query))
}
