import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { CreateSocialAccountBody, SocialAccountListQuery, SocialAccountSchema, UpdateSocialAccountBody } from './social-accounts.schemas.js'
import type { SocialAccountsService } from './social-accounts.service.js'

export const socialAccountsRoutes: FastifyPluginAsyncZod<{ service: SocialAccountsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/social-accounts', {
    config: { auth: 'actor' },
    schema: { querystring: SocialAccountListQuery, response: { 200: pageOf(SocialAccountSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/social-accounts', {
    config: { auth: 'actor' },
    schema: { body: CreateSocialAccountBody, response: { 201: SocialAccountSchema } }
  }, async (req, reply) => {
    const account = await service.create(req.ctx(), req.body)
    withEtag(req, reply, account.version)
    reply.header('location', `/v1/social-accounts/${account.id}`)
    return reply.code(201).send(account)
  })

  app.get('/v1/social-accounts/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: SocialAccountSchema } }
  }, async (req, reply) => {
    const account = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, account.version) ? notModified(reply) : account
  })

  app.patch('/v1/social-accounts/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateSocialAccountBody, response: { 200: SocialAccountSchema } }
  }, async (req, reply) => {
    const account = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, account.version)
    return account
  })

  app.delete('/v1/social-accounts/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })
}
