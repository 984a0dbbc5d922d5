import fp from 'fastify-plugin'
import { createCampaignsRepository } from './campaigns.repository.js'
import { createCampaignsService } from './campaigns.service.js'
import { campaignsRoutes } from './campaigns.routes.js'
import { campaignsLoaders, campaignsResolvers } from './campaigns.resolvers.js'
import { CAMPAIGN_EVENTS, CAMPAIGN_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createCampaignsService({
    repo: createCampaignsRepository(app.cursors),
    brands: app.brands,
    socialAccounts: app.socialAccounts,
    members: app.members,
    policies: app.approvalPolicies,
    record: app.events.record
  })
  app.decorate('campaigns', service)
  app.events.define(CAMPAIGN_EVENTS, CAMPAIGN_EVENT_DATA)
  // Deleting a social account takes it out of the campaigns that ran on it, in the same transaction.
  app.socialAccounts.hooks.beforeDelete.register(service.dropChannel)
  // A brand with campaigns beyond draft cannot be deleted; its draft campaigns go with it, announced.
  app.brands.hooks.beforeDelete.register(async (ctx, brand) => { await service.releaseBrand(ctx, brand) })
  await app.register(campaignsRoutes, { service })
  app.graphql.defineResolvers(campaignsResolvers(service))
  app.nodes.define({ type: 'Campaign', table: 'campaigns', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(campaignsLoaders(service, app.socialAccounts, app.brands))
}, { name: 'campaigns-module', dependencies: ['events-module', 'brands-module', 'members-module', 'social-accounts-module', 'approval-policies-module', 'graphql'] })
