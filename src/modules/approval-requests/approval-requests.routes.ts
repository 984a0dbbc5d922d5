import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, pageOf, useZod } from '../../lib/http.js'
import { etagOf } from '../../lib/etag.js'
import {
  ApprovalRequestListQuery, ApprovalRequestSchema, ContentApprovalSchema, DecisionBody, DecisionResultSchema
} from './approval-requests.schemas.js'
import type { ApprovalRequestsService } from './approval-requests.service.js'

export const approvalRequestsRoutes: FastifyPluginAsyncZod<{ service: ApprovalRequestsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/approval-requests', {
    config: { auth: 'actor' },
    schema: { querystring: ApprovalRequestListQuery, response: { 200: pageOf(ApprovalRequestSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  // The ETag is the request's version (for If-Match on decisions). No 304 here: `overdue` is
  // computed when read, so the same version can read differently later.
  app.get('/v1/approval-requests/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: ApprovalRequestSchema } }
  }, async (req, reply) => {
    const request = await service.get(req.ctx(), req.params.id)
    reply.header('etag', etagOf(request.version))
    return request
  })

  app.post('/v1/approval-requests/:id/decisions', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: DecisionBody, response: { 201: DecisionResultSchema } }
  }, async (req, reply) => {
    const result = await service.decide(req.ctx(), req.params.id, req.body, ifMatch(req))
    reply.header('etag', etagOf(result.request.version))
    return reply.code(201).send(result)
  })

  app.get('/v1/content-items/:id/approval', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: ContentApprovalSchema } }
  }, async (req) => await service.approvalOf(req.ctx(), req.params.id))
}
