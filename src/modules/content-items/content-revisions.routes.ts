import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, pageOf, useZod } from '../../lib/http.js'
import { CompareQuery, RevisionDiffSchema, RevisionListQuery, RevisionParams, RevisionSchema } from './content-revisions.schemas.js'
import type { ContentRevisionsService } from './content-revisions.service.js'

export const contentRevisionsRoutes: FastifyPluginAsyncZod<{ service: ContentRevisionsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/content-items/:id/revisions', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: RevisionListQuery, response: { 200: pageOf(RevisionSchema) } }
  }, async (req) => await service.list(req.ctx(), req.params.id, req.query))

  // A static segment wins over the :revision parameter in the router.
  app.get('/v1/content-items/:id/revisions/compare', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: CompareQuery, response: { 200: RevisionDiffSchema } }
  }, async (req) => await service.compare(req.ctx(), req.params.id, req.query.from, req.query.to))

  app.get('/v1/content-items/:id/revisions/:revision', {
    config: { auth: 'actor' },
    schema: { params: RevisionParams, response: { 200: RevisionSchema } }
  }, async (req) => await service.get(req.ctx(), req.params.id, req.params.revision))
}
