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
import { createTriggersService, type Crossing } from './triggers.service.js'
import { crisisRoutes } from './crisis.routes.js'
import { crisisResolvers } from './crisis.resolvers.js'
import { CRISIS_EVENTS, type CrisisFacade, CRISIS_EVENT_DATA } from './public.js'

// Crisis playbooks, incidents and brand pauses. Content items are moved to and from `held`
// through the content module's transition door; its beforeTransition hook refuses to hand an
// item of a paused brand to a publisher (scheduled → publishing).

declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    /** The recurring crisis scan: steps overdue, playbooks due for review, pauses to resume, metric windows. */
    'crisis-timers': Record<string, unknown>
    /** A pause's automatic resume, at its resume time (key crisis-resume:<pauseId>). */
    'crisis-resume': { orgId: string, pauseId: string }
  }
}

/** Every minute (cron's finest step), once across all workers. */
export const CRISIS_TIMERS_CRON = '* * * * *'

/** At most this many candidates per timer run; the next run takes the rest. */
const SCAN_BATCH = 500
/**
 * Organizations with metric rules are not consumed by a run (unlike due steps or pauses): every
 * run evaluates all of them, read in pages of this size (see README, crisis, "Not done yet").
 */
const METRIC_ORGS_PAGE = 1000

export interface CrisisTimers {
  // Each takes the instant it runs at (the job's: now; tests pass fixed instants).
  /** incident.step_overdue for steps past their response target; the step ids announced. */
  stepOverdue: (now?: Date) => Promise<string[]>
  /** playbook.review_due once per period; the playbook ids announced. */
  reviewDue: (now?: Date) => Promise<string[]>
  /** Pauses whose resume time has come, resumed once; their ids. */
  autoResume: (now?: Date) => Promise<string[]>
  /**
   * Metric rules evaluated at `now` for windows that closed without new data: the crossings
   * (each claimed once under its cooldown, so several workers announce it once).
   */
  metricWindows: (now?: Date) => Promise<Crossing[]>
}

declare module 'fastify' {
  interface FastifyInstance {
    crisisTimers: CrisisTimers
  }
}

export default fp(async (app) => {
  const repo = createCrisisRepository(app.cursors)
  const playbooks = createPlaybooksService({ repo, brands: app.brands, members: app.members, record: app.events.record })
  const queries = createCrisisQueries()
  const pauses = createPausesService({ repo, queries, jobs: app.jobs, brands: app.brands, content: app.contentItems, publishing: app.publishing, record: app.events.record })
  const incidents = createIncidentsService({ repo, playbooks, pauses, brands: app.brands, members: app.members, policies: app.approvalPolicies, record: app.events.record })
  const statements = createStatementsService({ repo, incidents, pauses, content: app.contentItems, approvals: app.approvalRequests, record: app.events.record })
  const reports = createReportsService({ repo, queries, incidents })
  const triggers = createTriggersService({ repo, metrics: app.metricsService, incidents, record: app.events.record })
  // Metric rules are evaluated in the ingestion's transaction; a rule that fails (e.g. its
  // activation is refused) does not fail the ingestion.
  app.metricsService.hooks.afterIngest.register(async (ctx, summary) => {
    await triggers.evaluate(ctx, summary, new Date(), (err, at) => app.log[err instanceof AppError ? 'warn' : 'error']({ err, orgId: ctx.actor.orgId, ...at }, 'crisis metric rule failed at ingestion; the timer retries it'))
  })
  const crisis: CrisisFacade = { playbooks, incidents, pauses, statements, reports }
  app.decorate('crisis', crisis)
  app.events.define(CRISIS_EVENTS, CRISIS_EVENT_DATA)

  // The publisher asks before each hand-over (or once per batch): a paused brand's items are held there.
  app.publishing.hooks.beforeHandOver.register(async (ctx, item) => await pauses.holdAtHandOver(ctx, item), async (ctx, items) => await pauses.holdAtHandOverMany(ctx, items))
  // And no other door hands an item of a paused brand over either.
  const pausedRefusal = (pause: { id: string | null, reason: string }) =>
    new AppError('HERALD_BRAND_PAUSED', `Publishing of this brand is paused (${pause.reason}); the item is not handed to a publisher.`, { extra: { pauseId: pause.id } })
  app.contentItems.hooks.beforeTransition.register(async (ctx, item, info) => {
    if (info.to !== 'publishing') return
    const pause = await pauses.activeFor(ctx, item.brandId)
    if (pause && !pause.allowedItemIds.includes(item.id)) throw pausedRefusal(pause)
  }, async (ctx, list) => {
    // The set-based form: each brand's pause read once, all brands together.
    const refusals = new Map<string, unknown>()
    const going = list.filter((e) => e.info.to === 'publishing').map((e) => e.subject)
    const brandIds = [...new Set(going.map((i) => i.brandId))]
    const found = await Promise.all(brandIds.map(async (b) => await pauses.activeFor(ctx, b)))
    const pauseOf = new Map(brandIds.map((b, i) => [b, found[i]]))
    for (const item of going) {
      const pause = pauseOf.get(item.brandId)
      if (pause && !pause.allowedItemIds.includes(item.id)) refusals.set(item.id, pausedRefusal(pause))
    }
    return refusals
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
    stepOverdue: async (now = new Date()) => await perOrg('step overdue timer', (await app.background.scan(async (tx) => await repo.scan.overdueStepOrgs(tx.db, SCAN_BATCH, now))).map((orgId) => ({ orgId })),
      async (ctx) => await incidents.announceOverdueSteps(ctx, now)),
    reviewDue: async (now = new Date()) => await perOrg('review due timer', await app.background.scan(async (tx) => await repo.scan.reviewDuePlaybooks(tx.db, SCAN_BATCH, now)),
      async (ctx, ids) => await playbooks.announceReviewDue(ctx, ids, now)),
    autoResume: async (now = new Date()) => await perOrg('automatic resume', await app.background.scan(async (tx) => await repo.scan.resumablePauses(tx.db, SCAN_BATCH, now)),
      async (ctx, ids) => await pauses.autoResume(ctx, ids, now)),
    metricWindows: async (now = new Date()) => {
      const out: Crossing[] = []
      // Every organization with metric rules, page after page: none is left out of a run.
      for (let after: string | null = null; ;) {
        const orgIds: string[] = await app.background.scan(async (tx) => await repo.scan.metricRuleOrgs(tx.db, METRIC_ORGS_PAGE, after))
        out.push(...await perOrg('metric windows', orgIds.map((orgId) => ({ orgId })),
          async (ctx) => await triggers.evaluateWindows(ctx, now, (err, at) => app.log[err instanceof AppError ? 'warn' : 'error']({ err, orgId: ctx.actor.orgId, ...at }, 'crisis metric rule failed on the timer'))))
        if (orgIds.length < METRIC_ORGS_PAGE) return out
        after = orgIds[orgIds.length - 1]
      }
    }
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
    await timers.metricWindows()
  })
  app.jobs.cron('crisis-timers', CRISIS_TIMERS_CRON, {})

  await app.register(crisisRoutes, { crisis })
  app.graphql.defineResolvers(crisisResolvers(crisis))
  app.nodes.define({ type: 'CrisisPlaybook', table: 'crisis_playbooks', get: async (ctx, id) => await playbooks.get(ctx, id) })
  app.nodes.define({ type: 'Incident', table: 'incidents', get: async (ctx, id) => await incidents.get(ctx, id) })
  app.nodes.define({ type: 'IncidentEntry', table: 'incident_entries', get: async (ctx, id) => await incidents.entry(ctx, id) })
}, { name: 'crisis-module', dependencies: ['background', 'jobs', 'events-module', 'brands-module', 'members-module', 'approval-policies-module', 'content-items-module', 'approval-requests-module', 'metrics-module', 'publishing-module', 'graphql'] })
