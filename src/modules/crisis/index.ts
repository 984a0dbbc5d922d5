import fp from 'fastify-plugin'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { createCrisisRepository } from './crisis.repository.js'
import { createCrisisQueries } from './crisis.queries.js'
import { createPlaybooksService } from './playbooks.service.js'
import { createPausesService } from './pauses.service.js'
import { createIncidentsService } from './incidents.service.js'
import { createStatementsService } from './statements.service.js'
import { createReportsService } from './reports.service.js'
import { createTriggersService } from './triggers.service.js'
import { crisisRoutes } from './crisis.routes.js'
import { crisisResolvers } from './crisis.resolvers.js'
import { CRISIS_EVENTS, type CrisisFacade, CRISIS_EVENT_DATA } from './public.js'

// Crisis playbooks, incidents and brand pauses. Content items are moved to and from `held`
// through the content module's transition door; its beforeTransition hook refuses to hand an
// item of a paused brand to a publisher (scheduled → publishing).

declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    /** The recurring crisis scan: steps overdue, playbooks due for review, pauses to resume. */
    'crisis-timers': Record<string, unknown>
    /** A pause's automatic resume, at its resume time (key crisis-resume:<pauseId>). */
    'crisis-resume': { orgId: string, pauseId: string }
  }
}

/** Every minute (cron's finest step), once across all workers. */
export const CRISIS_TIMERS_CRON = '* * * * *'

/** At most this many candidates per timer run; the next run takes the rest. */
const SCAN_BATCH = 500

export interface CrisisTimers {
  /** incident.step_overdue for steps past their response target; the step ids announced. */
  stepOverdue: () => Promise<string[]>
  /** playbook.review_due once per period; the playbook ids announced. */
  reviewDue: () => Promise<string[]>
  /** Pauses whose resume time has come, resumed once; their ids. */
  autoResume: () => Promise<string[]>
}

declare module 'fastify' {
  interface FastifyInstance {
    crisisTimers: CrisisTimers
  }
}

export default fp(async (app) => {
  const repo = createCrisisRepository(app.cursors)
  const playbooks = createPlaybooksService({ repo, brands: app.brands, members: app.members, policies: app.approvalPolicies, record: app.events.record })
  const queries = createCrisisQueries()
  const pauses = createPausesService({ repo, queries, jobs: app.jobs, brands: app.brands, content: app.contentItems, publishing: app.publishing, record: app.events.record })
  const incidents = createIncidentsService({ repo, playbooks, pauses, brands: app.brands, members: app.members, record: app.events.record })
  const statements = createStatementsService({ repo, incidents, pauses, content: app.contentItems, approvals: app.approvalRequests, record: app.events.record })
  const reports = createReportsService({ repo, queries, incidents })
  const triggers = createTriggersService({ repo, metrics: app.metricsService, incidents, record: app.events.record })
  // Metric rules are evaluated in the ingestion's transaction.
  app.metricsService.hooks.afterIngest.register(async (ctx, summary) => { await triggers.evaluate(ctx, summary) })
  const crisis: CrisisFacade = { playbooks, incidents, pauses, statements, reports }
  app.decorate('crisis', crisis)
  app.events.define(CRISIS_EVENTS, CRISIS_EVENT_DATA)

  // The publisher asks before each hand-over: a paused brand's items are held there.
  app.publishing.hooks.beforeHandOver.register(async (ctx, item) => await pauses.holdAtHandOver(ctx, item))
  // And no other door hands an item of a paused brand over either.
  app.contentItems.hooks.beforeTransition.register(async (ctx, item, info) => {
    if (info.to !== 'publishing') return
    const pause = await pauses.activeFor(ctx, item.brandId)
    if (pause && !pause.allowedItemIds.includes(item.id)) {
      throw new AppError('HERALD_BRAND_PAUSED', `Publishing of this brand is paused (${pause.reason}); the item is not handed to a publisher.`, { extra: { pauseId: pause.id } })
    }
  })

  /**
   * Timers, safe with any number of instances: candidates are found across organizations
   * (herald_system), then each organization's are handled by the system actor in its tenant,
   * through a claim (a conditional UPDATE, or a row lock and a re-check) so that each step,
   * review period and pause is handled once. One organization's failure does not stop the others.
   */
  async function perOrg<T> (label: string, candidates: Array<{ orgId: string, id?: string }>, fn: (ctx: Ctx, ids: string[]) => Promise<T[]>): Promise<T[]> {
    const byOrg = new Map<string, string[]>()
    for (const c of candidates) byOrg.set(c.orgId, [...(byOrg.get(c.orgId) ?? []), ...(c.id ? [c.id] : [])])
    const out: T[] = []
    for (const [orgId, ids] of byOrg) {
      try {
        out.push(...await app.background.inTenant(orgId, label, async (ctx) => await fn(ctx, ids)))
      } catch (err) {
        app.log.error({ err, orgId }, `crisis timer (${label}) failed for an organization`)
      }
    }
    return out
  }
  const timers: CrisisTimers = {
    stepOverdue: async () => await perOrg('step overdue timer', (await app.background.scan(async (tx) => await repo.scan.overdueStepOrgs(tx.db, SCAN_BATCH))).map((orgId) => ({ orgId })),
      async (ctx) => await incidents.announceOverdueSteps(ctx)),
    reviewDue: async () => await perOrg('review due timer', await app.background.scan(async (tx) => await repo.scan.reviewDuePlaybooks(tx.db, SCAN_BATCH)),
      async (ctx, ids) => await playbooks.announceReviewDue(ctx, ids)),
    autoResume: async () => await perOrg('automatic resume', await app.background.scan(async (tx) => await repo.scan.resumablePauses(tx.db, SCAN_BATCH)),
      async (ctx, ids) => await pauses.autoResume(ctx, ids))
  }
  app.decorate('crisisTimers', timers)
  // The resume job at a pause's resume time makes it punctual; the minute scan is its safety
  // net (a job lost with a crashed database restore) and runs the other two timers.
  app.jobs.define('crisis-resume', async ({ orgId, pauseId }) => {
    await app.background.inTenant(orgId, 'automatic resume', async (ctx) => await pauses.autoResume(ctx, [pauseId]))
  })
  app.jobs.define('crisis-timers', async () => {
    await timers.autoResume()
    await timers.stepOverdue()
    await timers.reviewDue()
  })
  app.jobs.cron('crisis-timers', CRISIS_TIMERS_CRON, {})

  await app.register(crisisRoutes, { crisis })
  app.graphql.defineResolvers(crisisResolvers(crisis))
}, { name: 'crisis-module', dependencies: ['background', 'jobs', 'events-module', 'brands-module', 'members-module', 'approval-policies-module', 'content-items-module', 'approval-requests-module', 'metrics-module', 'publishing-module', 'graphql'] })
