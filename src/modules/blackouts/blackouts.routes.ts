import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, pageOf, useZod, withEtag } from '../../lib/http.js'
import { BlackoutListQuery, BlackoutParams, BlackoutSchema, CreateBlackoutBody, CreatedBlackoutSchema } from './blackouts.schemas.js'
import type { BlackoutsService } from './blackouts.service.js'

export const blackoutsRoutes: FastifyPluginAsyncZod<{ service: BlackoutsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/brands/:id/blackouts', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: BlackoutListQuery, response: { 200: pageOf(BlackoutSchema) } }
  }, async (req) => await service.list(req.ctx(), req.params.id, req.query))

  app.post('/v1/brands/:id/blackouts', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: CreateBlackoutBody, response: { 201: CreatedBlackoutSchema } }
  }, async (req, reply) => {
    const blackout = await service.create(req.ctx(), req.params.id, req.body)
    withEtag(req, reply, blackout.version)
    reply.header('location', `/v1/brands/${blackout.brandId}/blackouts/${blackout.id}`)
    return reply.code(201).send(blackout)
  })

  app.delete('/v1/brands/:id/blackouts/:blackoutId', {
    config: { auth: 'actor' },
    schema: { params: BlackoutParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, req.params.blackoutId, ifMatch(req))
    return reply.code(204).send()
  })
}
