import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { CampaignListQuery, CampaignSchema, CreateCampaignBody, UpdateCampaignBody } from './campaigns.schemas.js'
import type { CampaignsService } from './campaigns.service.js'

export const campaignsRoutes: FastifyPluginAsyncZod<{ service: CampaignsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/campaigns', {
    config: { auth: 'actor' },
    schema: { querystring: CampaignListQuery, response: { 200: pageOf(CampaignSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/campaigns', {
    config: { auth: 'actor' },
    schema: { body: CreateCampaignBody, response: { 201: CampaignSchema } }
  }, async (req, reply) => {
    const campaign = await service.create(req.ctx(), req.body)
    withEtag(req, reply, campaign.version)
    reply.header('location', `/v1/campaigns/${campaign.id}`)
    return reply.code(201).send(campaign)
  })

  app.get('/v1/campaigns/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: CampaignSchema } }
  }, async (req, reply) => {
    const campaign = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, campaign.version) ? notModified(reply) : campaign
  })

  app.patch('/v1/campaigns/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateCampaignBody, response: { 200: CampaignSchema } }
  }, async (req, reply) => {
    const campaign = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, campaign.version)
    return campaign
  })

  app.delete('/v1/campaigns/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })
}
