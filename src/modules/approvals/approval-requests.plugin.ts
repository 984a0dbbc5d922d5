import fp from 'fastify-plugin'
import { createContentItemsRepository } from '../content-items/content-items.repository.js'
import { createContentRevisionsRepository } from '../content-items/content-revisions.repository.js'
import { createEventsRepository } from '../events/events.repository.js'
import { createApprovalRequestsRepository } from './approval-requests.repository.js'
import { createApprovalHooks } from './approval-requests.hooks.js'
import { createApprovalRequestsService, type ApprovalRequestsService } from './approval-requests.service.js'
import { approvalRequestsRoutes } from './approval-requests.routes.js'
import { approvalRequestsLoaders, approvalRequestsResolvers } from './approval-requests.resolvers.js'
import { createApprovalLookups } from './approval-lookups.js'
import { createOverdueScan } from './approval-overdue.js'

// Approval requests and decisions, wired to content items. A plugin of its own, registered
// after content items (whose hooks it plugs into), while approval policies (index.ts) come
// before campaigns, which validate their approvalPolicyId with them.

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * list/get/decide, and for guest review: `decide(ctx, requestId, input)` (a guest decides
     * its own request at a client step) and `getForGuest(ctx, requestId)`. `scanOverdue()`
     * runs one overdue scan and returns the ids it announced.
     */
    approvalRequests: ApprovalRequestsService & { scanOverdue: () => Promise<string[]> }
  }
}

export interface ApprovalRequestsPluginOptions {
  /** Milliseconds between overdue scans; 0 turns the background scan off. */
  overdueScanMs: number
}

export default fp<ApprovalRequestsPluginOptions>(async (app, opts) => {
  const repo = createApprovalRequestsRepository(app.cursors)
  const hooks = createApprovalHooks({
    repo,
    policies: app.approvalPolicies,
    members: app.membersRepo,
    revisions: createContentRevisionsRepository(app.cursors),
    record: app.events.record
  })
  const content = app.contentItems.hooks
  content.submitted.push(hooks.submitted)
  content.publishableChanged.push(hooks.publishableChanged)
  content.transitioned.push(hooks.transitioned)
  content.beforeTransition.push(hooks.beforeTransition)

  const service = createApprovalRequestsService({ repo, hooks, transition: app.contentItems.transition, record: app.events.record })
  const overdue = createOverdueScan({
    repo,
    events: createEventsRepository(app.cursors),
    withSystemScan: app.withSystemScan,
    withTenant: app.withTenant,
    log: app.log
  })
  app.decorate('approvalRequests', { ...service, scanOverdue: overdue.scan })
  await app.register(approvalRequestsRoutes, { service })
  app.graphql.defineResolvers(approvalRequestsResolvers(service))
  app.graphql.defineLoaders(approvalRequestsLoaders({
    service,
    lookups: createApprovalLookups({ items: createContentItemsRepository(app.cursors), members: app.membersRepo }),
    policies: app.approvalPolicies,
    brands: app.brands
  }))

  app.addHook('onReady', async () => { overdue.start(opts.overdueScanMs) })
  // Before the pool closes (the db plugin's onClose runs last): no scan outlives the app.
  app.addHook('onClose', async () => { await overdue.stop() })
}, { name: 'approval-requests-module', dependencies: ['approvals-module', 'content-items-module', 'members-module', 'events-module', 'graphql'] })
