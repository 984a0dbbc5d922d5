import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, pageOf, useZod } from '../../lib/http.js'
import { ApiKeyListQuery, ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema } from './api-keys.schemas.js'
import type { ApiKeysService } from './api-keys.service.js'

export const apiKeysRoutes: FastifyPluginAsyncZod<{ service: ApiKeysService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/api-keys', {
    config: { auth: 'actor' },
    schema: { querystring: ApiKeyListQuery, response: { 200: pageOf(ApiKeySchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/api-keys', {
    config: { auth: 'actor', returnsSecret: true },
    schema: { body: CreateApiKeyBody, response: { 201: CreatedApiKeySchema } }
  }, async (req, reply) => {
    const key = await service.create(req.ctx(), req.body)
    reply.header('location', `/v1/api-keys/${key.id}`)
    return reply.code(201).send(key)
  })

  app.get('/v1/api-keys/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: ApiKeySchema } }
  }, async (req) => await service.get(req.ctx(), req.params.id))

  app.delete('/v1/api-keys/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.revoke(req.ctx(), req.params.id)
    return reply.code(204).send()
  })
}
