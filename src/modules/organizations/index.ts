import fp from 'fastify-plugin'
import { createOrganizationsRepository } from './organizations.repository.js'
import { createOrganizationsService } from './organizations.service.js'
import { organizationsRoutes } from './organizations.routes.js'
import { organizationsResolvers } from './organizations.resolvers.js'
import { ORGANIZATION_EVENTS, ORGANIZATION_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createOrganizationsService({ repo: createOrganizationsRepository(), record: app.events.record })
  app.decorate('organizations', service)
  app.events.define(ORGANIZATION_EVENTS, ORGANIZATION_EVENT_DATA)
  await app.register(organizationsRoutes, { service })
  app.graphql.defineResolvers(organizationsResolvers(service))
}, { name: 'organizations-module', dependencies: ['events-module', 'graphql'] })
