import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { BrandListQuery, BrandSchema, CreateBrandBody, UpdateBrandBody } from './brands.schemas.js'
import type { BrandsService } from './brands.service.js'

export const brandsRoutes: FastifyPluginAsyncZod<{ service: BrandsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/brands', {
    config: { auth: 'actor' },
    schema: { querystring: BrandListQuery, response: { 200: pageOf(BrandSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/brands', {
    config: { auth: 'actor' },
    schema: { body: CreateBrandBody, response: { 201: BrandSchema } }
  }, async (req, reply) => {
    const brand = await service.create(req.ctx(), req.body)
    withEtag(req, reply, brand.version)
    reply.header('location', `/v1/brands/${brand.id}`)
    return reply.code(201).send(brand)
  })

  app.get('/v1/brands/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: BrandSchema } }
  }, async (req, reply) => {
    const brand = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, brand.version) ? notModified(reply) : brand
  })

  app.patch('/v1/brands/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateBrandBody, response: { 200: BrandSchema } }
  }, async (req, reply) => {
    const brand = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, brand.version)
    return brand
  })

  app.delete('/v1/brands/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })
}
