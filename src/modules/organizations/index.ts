import fp from 'fastify-plugin'
import { createOrganizationsRepository } from './organizations.repository.js'
import { createOrganizationsService, type OrganizationsService } from './organizations.service.js'
import { organizationsRoutes } from './organizations.routes.js'
import { organizationsResolvers } from './organizations.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    organizations: OrganizationsService
  }
}

export default fp(async (app) => {
  const service = createOrganizationsService({ repo: createOrganizationsRepository(), record: app.events.record })
  app.decorate('organizations', service)
  await app.register(organizationsRoutes, { service })
  app.graphql.defineResolvers(organizationsResolvers(service))
}, { name: 'organizations-module', dependencies: ['events-module', 'graphql'] })
