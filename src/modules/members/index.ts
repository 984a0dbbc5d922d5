import fp from 'fastify-plugin'
import { createMembersRepository } from './members.repository.js'
import { createMembersService } from './members.service.js'
import { membersRoutes } from './members.routes.js'
import { membersLoaders, membersResolvers } from './members.resolvers.js'
import { MEMBER_EVENTS } from './public.js'
import { accessTokenSource } from './members.credentials.js'

export default fp(async (app) => {
  const service = createMembersService({ repo: createMembersRepository(app.cursors), brands: app.brands, record: app.events.record })
  app.decorate('members', service)
  app.credentialSources.register('access', accessTokenSource)
  app.events.define(MEMBER_EVENTS)
  await app.register(membersRoutes, { service })
  app.graphql.defineResolvers(membersResolvers(service))
  app.graphql.defineLoaders(membersLoaders(app.brands))
}, { name: 'members-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
