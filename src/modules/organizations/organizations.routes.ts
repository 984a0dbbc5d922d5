import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ifMatch, notModified, useZod, withEtag } from '../../lib/http.js'
import { OrganizationSettingsSchema, UpdateOrganizationBody } from './organizations.schemas.js'
import type { OrganizationsService } from './organizations.service.js'

/** Unknown query parameters are refused here as on every collection. */
const NoQuery = z.strictObject({})

export const organizationsRoutes: FastifyPluginAsyncZod<{ service: OrganizationsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/organization', {
    config: { auth: 'actor' },
    schema: { querystring: NoQuery, response: { 200: OrganizationSettingsSchema } }
  }, async (req, reply) => {
    const org = await service.get(req.ctx())
    return withEtag(req, reply, org.version) ? notModified(reply) : org
  })

  app.patch('/v1/organization', {
    config: { auth: 'actor' },
    schema: { body: UpdateOrganizationBody, response: { 200: OrganizationSettingsSchema } }
  }, async (req, reply) => {
    const org = await service.update(req.ctx(), req.body, ifMatch(req))
    withEtag(req, reply, org.version)
    return org
  })
}
