import fp from 'fastify-plugin'
import { createApprovalRequestsRepository } from './approval-requests.repository.js'
import { createApprovalRequestsQueries } from './approval-requests.queries.js'
import { createApprovalHooks } from './approval-requests.hooks.js'
import { createApprovalRequestsService } from './approval-requests.service.js'
import { approvalRequestsRoutes } from './approval-requests.routes.js'
import { approvalRequestsLoaders, approvalRequestsResolvers } from './approval-requests.resolvers.js'
import { APPROVAL_REQUEST_EVENTS, APPROVAL_REQUEST_EVENT_DATA } from './public.js'

// Approval requests and decisions, wired to content items through their hooks (registered
// after content items), while approval policies come before campaigns, which validate their
// approvalPolicyId with them.

declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    /** The recurring overdue scan (no payload beyond what cron adds). */
    'approval-overdue-scan': Record<string, unknown>
  }
}

/** Every minute (cron's finest step), once across all workers. */
export const OVERDUE_SCAN_CRON = '* * * * *'

/** At most this many requests per scan; the next scan takes the rest. */
export const SCAN_BATCH = 500

export default fp(async (app) => {
  const queries = createApprovalRequestsQueries()
  const repo = createApprovalRequestsRepository(app.cursors, queries)
  const hooks = createApprovalHooks({
    repo,
    policies: app.approvalPolicies,
    members: app.members,
    revisions: app.contentRevisions,
    record: app.events.record
  })
  const content = app.contentItems.hooks
  content.afterSubmit.register(hooks.submitted)
  content.afterPublishableChange.register(hooks.publishableChanged)
  content.afterTransition.register(hooks.transitioned)
  content.beforeTransition.register(hooks.beforeTransition, hooks.beforeTransitionMany)

  const service = createApprovalRequestsService({ repo, queries, transition: app.contentItems.transition, record: app.events.record })

  /**
   * approval_request.overdue, exactly once per request, from a scan any number of instances
   * may run at once: candidates are found across organizations (herald_system), then each
   * organization's are announced by the system actor in that tenant (announceOverdue). One
   * organization's failure does not stop the others; its requests wait for the next scan.
   */
  async function scanOverdue (): Promise<string[]> {
    const candidates = await app.background.scan(async (tx) => await repo.overdueCandidates(tx.db, SCAN_BATCH))
    const byOrg = new Map<string, string[]>()
    for (const c of candidates) byOrg.set(c.orgId, [...(byOrg.get(c.orgId) ?? []), c.id])
    const announced: string[] = []
    for (const [orgId, ids] of byOrg) {
      try {
        announced.push(...await app.background.inTenant(orgId, 'overdue scan', async (ctx) => await service.announceOverdue(ctx, ids)))
      } catch (err) {
        app.log.error({ err, orgId }, 'approval overdue scan failed for an organization')
      }
    }
    return announced
  }

  app.decorate('approvalRequests', { ...service, scanOverdue })
  app.events.define(APPROVAL_REQUEST_EVENTS, APPROVAL_REQUEST_EVENT_DATA)
  await app.register(approvalRequestsRoutes, { service })
  app.graphql.defineResolvers(approvalRequestsResolvers(service))
  app.nodes.define({ type: 'ApprovalRequest', table: 'approval_requests', get: async (ctx, id) => await service.get(ctx, id) })
  app.graphql.defineLoaders(approvalRequestsLoaders({ service, content: app.contentItems, members: app.members, brands: app.brands }))
  app.jobs.define('approval-overdue-scan', async () => { await scanOverdue() })
  app.jobs.cron('approval-overdue-scan', OVERDUE_SCAN_CRON, {})
}, { name: 'approval-requests-module', dependencies: ['background', 'jobs', 'events-module', 'brands-module', 'members-module', 'approval-policies-module', 'content-items-module', 'graphql'] })
