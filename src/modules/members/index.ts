import fp from 'fastify-plugin'
import { createMembersRepository, type MembersRepository } from './members.repository.js'
import { createMembersService, type MembersService } from './members.service.js'
import { membersRoutes } from './members.routes.js'
import { membersLoaders, membersResolvers } from './members.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    members: MembersService
    membersRepo: MembersRepository
  }
}

export default fp(async (app) => {
  const repo = createMembersRepository(app.cursors)
  const service = createMembersService({ repo, brands: app.brands, record: app.events.record })
  app.decorate('members', service)
  app.decorate('membersRepo', repo)
  await app.register(membersRoutes, { service })
  app.graphql.defineResolvers(membersResolvers(service))
  app.graphql.defineLoaders(membersLoaders(app.brands))
}, { name: 'members-module', dependencies: ['events-module', 'brands-module'] })
