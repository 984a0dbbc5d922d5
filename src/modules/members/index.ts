import fp from 'fastify-plugin'
import type { Actor } from '../../lib/actor.js'
import { Remembered } from '../../lib/remembered.js'
import { createMembersRepository } from './members.repository.js'
import { createMembersService } from './members.service.js'
import { membersRoutes } from './members.routes.js'
import { membersLoaders, membersResolvers } from './members.resolvers.js'
import { MEMBER_EVENTS, MEMBER_EVENT_DATA } from './public.js'
import { accessTokenSource } from './members.credentials.js'

export default fp(async (app) => {
  // Actors of access tokens, remembered between requests; forgotten the moment a membership changes.
  const actors = new Remembered<Actor>()
  const service = createMembersService({ repo: createMembersRepository(app.cursors), brands: app.brands, record: app.events.record, forgetActor: (id) => { actors.forget(id) } })
  app.decorate('members', service)
  app.credentialSources.register('access', accessTokenSource(actors))
  app.events.define(MEMBER_EVENTS, MEMBER_EVENT_DATA)
  await app.register(membersRoutes, { service })
  app.graphql.defineResolvers(membersResolvers(service))
  app.nodes.define({ type: 'Member', table: 'memberships', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(membersLoaders(app.brands))
}, { name: 'members-module', dependencies: ['events-module', 'brands-module', 'graphql'] })
