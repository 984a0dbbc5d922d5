import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import {
  ContentItemListQuery, ContentItemSchema, CreateContentItemBody, EmptyBody, ScheduleBody, SubmitBody, UpdateContentItemBody
} from './content-items.schemas.js'
import type { ContentItemsService } from './content-items.service.js'
import type { ContentActions } from './content-actions.js'

export const contentItemsRoutes: FastifyPluginAsyncZod<{ service: ContentItemsService, actions: ContentActions }> = async (app, { service, actions }) => {
  useZod(app)
  app.get('/v1/content-items', {
    config: { auth: 'actor' },
    schema: { querystring: ContentItemListQuery, response: { 200: pageOf(ContentItemSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/content-items', {
    config: { auth: 'actor' },
    schema: { body: CreateContentItemBody, response: { 201: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await service.create(req.ctx(), req.body)
    withEtag(req, reply, item.version)
    reply.header('location', `/v1/content-items/${item.id}`)
    return reply.code(201).send(item)
  })

  app.get('/v1/content-items/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, item.version) ? notModified(reply) : item
  })

  app.patch('/v1/content-items/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateContentItemBody, response: { 200: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, item.version)
    return item
  })

  app.delete('/v1/content-items/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })

  // Actions: each answers the item after the move, with its new ETag.
  app.post('/v1/content-items/:id/submit', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: SubmitBody.nullish(), response: { 200: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await actions.submit(req.ctx(), req.params.id, req.body ?? {}, ifMatch(req))
    withEtag(req, reply, item.version)
    return item
  })

  app.post('/v1/content-items/:id/schedule', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: ScheduleBody.nullish(), response: { 200: ContentItemSchema } }
  }, async (req, reply) => {
    const item = await actions.schedule(req.ctx(), req.params.id, req.body ?? {}, ifMatch(req))
    withEtag(req, reply, item.version)
    return item
  })

  for (const action of ['unschedule', 'archive', 'restore'] as const) {
    app.post(`/v1/content-items/:id/${action}`, {
      config: { auth: 'actor' },
      schema: { params: IdParams, body: EmptyBody, response: { 200: ContentItemSchema } }
    }, async (req, reply) => {
      const item = await actions[action](req.ctx(), req.params.id, ifMatch(req))
      withEtag(req, reply, item.version)
      return item
    })
  }
}
