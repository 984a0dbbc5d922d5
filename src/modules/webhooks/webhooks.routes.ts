import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import {
  AttemptListQuery, AttemptSchema, CreatedWebhookSchema, CreateWebhookBody, DeliveryListQuery, DeliveryParams, DeliverySchema,
  EventTypeList, RotateSecretBody, UpdateWebhookBody, WebhookListQuery, WebhookSchema
} from './webhooks.schemas.js'
import type { WebhooksService } from './webhooks.service.js'

export const webhooksRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (app, { service }) => {
  useZod(app)

  app.get('/v1/event-types', {
    config: { auth: 'actor' },
    schema: { response: { 200: EventTypeList } }
  }, async () => ({ data: service.eventTypes() }))

  app.get('/v1/webhooks', {
    config: { auth: 'actor' },
    schema: { querystring: WebhookListQuery, response: { 200: pageOf(WebhookSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/webhooks', {
    config: { auth: 'actor', returnsSecret: true },
    schema: { body: CreateWebhookBody, response: { 201: CreatedWebhookSchema } }
  }, async (req, reply) => {
    const webhook = await service.create(req.ctx(), req.body)
    withEtag(req, reply, webhook.version)
    reply.header('location', `/v1/webhooks/${webhook.id}`)
    return reply.code(201).send(webhook)
  })

  app.get('/v1/webhooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: WebhookSchema } }
  }, async (req, reply) => {
    const webhook = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, webhook.version) ? notModified(reply) : webhook
  })

  app.patch('/v1/webhooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookSchema } }
  }, async (req, reply) => {
    const webhook = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, webhook.version)
    return webhook
  })

  app.delete('/v1/webhooks/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })

  app.post('/v1/webhooks/:id/rotate-secret', {
    config: { auth: 'actor', returnsSecret: true },
    schema: { params: IdParams, body: RotateSecretBody.nullish(), response: { 200: CreatedWebhookSchema } }
  }, async (req, reply) => {
    const webhook = await service.rotateSecret(req.ctx(), req.params.id, req.body ?? {}, ifMatch(req))
    withEtag(req, reply, webhook.version)
    return webhook
  })

  app.post('/v1/webhooks/:id/test', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 202: DeliverySchema } }
  }, async (req, reply) => reply.code(202).send(await service.test(req.ctx(), req.params.id)))

  app.get('/v1/webhooks/:id/deliveries', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: DeliveryListQuery, response: { 200: pageOf(DeliverySchema) } }
  }, async (req) => await service.listDeliveries(req.ctx(), req.params.id, req.query))

  app.get('/v1/webhooks/:id/deliveries/:deliveryId', {
    config: { auth: 'actor' },
    schema: { params: DeliveryParams, response: { 200: DeliverySchema } }
  }, async (req) => await service.getDelivery(req.ctx(), req.params.id, req.params.deliveryId))

  app.get('/v1/webhooks/:id/deliveries/:deliveryId/attempts', {
    config: { auth: 'actor' },
    schema: { params: DeliveryParams, querystring: AttemptListQuery, response: { 200: pageOf(AttemptSchema) } }
  }, async (req) => await service.listAttempts(req.ctx(), req.params.id, req.params.deliveryId, req.query))

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { auth: 'actor' },
    schema: { params: DeliveryParams, response: { 202: DeliverySchema } }
  }, async (req, reply) => reply.code(202).send(await service.redeliver(req.ctx(), req.params.id, req.params.deliveryId)))
}
