import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, pageOf, useZod } from '../../lib/http.js'
import { TimelineEntrySchema, TimelineQuery } from './timeline.schemas.js'
import type { TimelineService } from './timeline.service.js'

export const timelineRoutes: FastifyPluginAsyncZod<{ service: TimelineService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/content-items/:id/timeline', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: TimelineQuery, response: { 200: pageOf(TimelineEntrySchema) } }
  }, async (req) => {
    const page = await service.list(req.ctx(), req.params.id, req.query)
    return { data: page.data, nextCursor: page.nextCursor, ...(page.totalCount === undefined ? {} : { totalCount: page.totalCount }) }
  })
}
