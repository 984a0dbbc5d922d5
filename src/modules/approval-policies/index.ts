import fp from 'fastify-plugin'
import { createApprovalPoliciesRepository } from './approval-policies.repository.js'
import { createApprovalPoliciesQueries } from './approval-policies.queries.js'
import { createApprovalPoliciesService } from './approval-policies.service.js'
import { approvalPoliciesRoutes } from './approval-policies.routes.js'
import { approvalPoliciesLoaders, approvalPoliciesResolvers } from './approval-policies.resolvers.js'
import { APPROVAL_POLICY_EVENTS, APPROVAL_POLICY_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const service = createApprovalPoliciesService({
    repo: createApprovalPoliciesRepository(app.cursors),
    queries: createApprovalPoliciesQueries(),
    brands: app.brands,
    members: app.members,
    record: app.events.record
  })
  app.decorate('approvalPolicies', service)
  app.events.define(APPROVAL_POLICY_EVENTS, APPROVAL_POLICY_EVENT_DATA)
  // Approval rules stay here: the brands module only offers hooks and runs them in its
  // transaction. A new brand gets its default policy; a brand's approvalPolicyId must be
  // one of its own policies.
  app.brands.hooks.afterCreate.register((ctx, brand) => service.createDefaultForBrand(ctx, brand))
  app.brands.hooks.beforeUpdate.register(async (ctx, current, patch) => {
    if (patch.approvalPolicyId !== undefined && patch.approvalPolicyId !== current.approvalPolicyId) {
      await service.assertPolicyForBrand(ctx, patch.approvalPolicyId, current.id, 'approvalPolicyId')
    }
  })
  await app.register(approvalPoliciesRoutes, { service })
  app.graphql.defineResolvers(approvalPoliciesResolvers(service))
  app.nodes.define({ type: 'ApprovalPolicy', table: 'approval_policies', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(approvalPoliciesLoaders(service, app.brands))
}, { name: 'approval-policies-module', dependencies: ['events-module', 'brands-module', 'members-module', 'graphql'] })
