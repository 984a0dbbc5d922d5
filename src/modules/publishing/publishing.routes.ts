import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, useZod } from '../../lib/http.js'
import { PublicationList, PublicationSchema, PublishResultBody, TargetParams } from './publishing.schemas.js'
import type { PublishingService } from './publishing.service.js'

export const publishingRoutes: FastifyPluginAsyncZod<{ service: PublishingService }> = async (app, { service }) => {
  useZod(app)

  // The integration that posted a target reports what happened (scope publishing:write).
  app.post('/v1/content-items/:id/targets/:targetId/publish-result', {
    config: { auth: 'actor' },
    schema: { params: TargetParams, body: PublishResultBody, response: { 200: PublicationSchema } }
  }, async (req) => await service.report(req.ctx(), req.params.id, req.params.targetId, req.body))

  // Every hand-over of the item, newest first, with each target's outcome.
  app.get('/v1/content-items/:id/publications', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: PublicationList } }
  }, async (req) => ({ data: await service.listForItem(req.ctx(), req.params.id) }))
}
