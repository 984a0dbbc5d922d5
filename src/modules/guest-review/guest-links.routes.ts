import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, pageOf, useZod } from '../../lib/http.js'
import { CreatedGuestLinkSchema, CreateGuestLinkBody, GuestLinkListQuery, GuestLinkParams, GuestLinkSchema } from './guest-links.schemas.js'
import type { GuestLinksService } from './guest-links.service.js'

export const guestLinksRoutes: FastifyPluginAsyncZod<{ service: GuestLinksService }> = async (app, { service }) => {
  useZod(app)
  app.post('/v1/approval-requests/:id/guest-links', {
    config: { auth: 'actor', returnsSecret: true },
    schema: { params: IdParams, body: CreateGuestLinkBody, response: { 201: CreatedGuestLinkSchema } }
  }, async (req, reply) => {
    const link = await service.create(req.ctx(), req.params.id, req.body)
    reply.header('location', `/v1/approval-requests/${req.params.id}/guest-links/${link.id}`)
    // The token is a credential: never cached on the way back.
    reply.header('cache-control', 'no-store')
    return reply.code(201).send(link)
  })

  app.get('/v1/approval-requests/:id/guest-links', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: GuestLinkListQuery, response: { 200: pageOf(GuestLinkSchema) } }
  }, async (req) => await service.list(req.ctx(), req.params.id, req.query))

  app.delete('/v1/approval-requests/:id/guest-links/:linkId', {
    config: { auth: 'actor' },
    schema: { params: GuestLinkParams }
  }, async (req, reply) => {
    await service.revoke(req.ctx(), req.params.linkId, req.params.id)
    return reply.code(204).send()
  })
}
