import fp from 'fastify-plugin'
import { createCampaignsRepository } from './campaigns.repository.js'
import { createCampaignsService, type CampaignsService } from './campaigns.service.js'
import { campaignsRoutes } from './campaigns.routes.js'
import { campaignsLoaders, campaignsResolvers } from './campaigns.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    campaigns: CampaignsService
  }
}

export default fp(async (app) => {
  const service = createCampaignsService({
    repo: createCampaignsRepository(app.cursors),
    brands: app.brands,
    socialAccounts: app.socialAccounts,
    members: app.membersRepo,
    policies: app.approvalPolicies,
    record: app.events.record
  })
  app.decorate('campaigns', service)
  // Deleting a social account takes it out of the campaigns that ran on it, in the same transaction.
  app.socialAccounts.onDelete(service.dropChannel)
  await app.register(campaignsRoutes, { service })
  app.graphql.defineResolvers(campaignsResolvers(service))
  app.graphql.defineLoaders(campaignsLoaders(service, app.socialAccounts, app.brands))
}, { name: 'campaigns-module', dependencies: ['events-module', 'brands-module', 'members-module', 'social-accounts-module', 'approvals-module', 'graphql'] })
