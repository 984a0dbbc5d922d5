import fp from 'fastify-plugin'
import { createPublishingRepository } from './publishing.repository.js'
import { createPublishingQueries } from './publishing.queries.js'
import { createPublishingService } from './publishing.service.js'
import { PUBLISH_JOB, TIMEOUT_JOB, type HandOverResult, type PublishJobPayload, type PublishingSettings } from './publishing.model.js'
import { createWebhookPublisher } from './webhook-publisher.js'
import { publishingRoutes } from './publishing.routes.js'
import { publishingLoaders, publishingResolvers } from './publishing.resolvers.js'
import { PUBLISHING_EVENTS, type BeforeHandOver, type BeforeHandOverMany, PUBLISHING_EVENT_DATA } from './public.js'

// Scheduled publishing: one queued job per scheduled item (kept in step with the item through
// content items' hooks, in their transactions), the guarded hand-over run by that job as the
// system actor, the built-in webhook publisher, outcomes reported by the integration, and a
// sweep every minute for work whose worker died and for publishers that never answered.

export type PublishingPluginOptions = PublishingSettings

/** Every minute, once across all workers. */
export const SWEEP_CRON = '* * * * *'
/** A scheduled item this long past due whose job has not handed it over is queued again. */
export const SWEEP_GRACE_MS = 30_000
const SWEEP_BATCH = 500
/** A publish job drains at most this many further batches of its organization's due items. */
export const DRAIN_BATCHES = 100

export default fp<PublishingPluginOptions>(async (app, opts) => {
  const repo = createPublishingRepository()
  const queries = createPublishingQueries()
  const beforeHandOver: Array<{ one: BeforeHandOver, many?: BeforeHandOverMany }> = []
  const service = createPublishingService({
    repo,
    queries,
    content: app.contentItems,
    blackouts: app.blackouts,
    jobs: app.jobs,
    record: app.events.record,
    recordMany: app.events.recordMany,
    publisher: createWebhookPublisher(app.events.record, app.events.recordMany),
    settings: opts,
    beforeHandOver
  })
  const hooks = {
    beforeHandOver: {
      register (handler: BeforeHandOver, many?: BeforeHandOverMany) {
        const entry = { one: handler, many }
        beforeHandOver.push(entry)
        return () => { const i = beforeHandOver.indexOf(entry); if (i >= 0) beforeHandOver.splice(i, 1) }
      }
    }
  }

  const content = app.contentItems.hooks
  content.afterTransition.register(async (ctx, item, info) => {
    if (info.to === 'scheduled') await service.scheduled(ctx, item)
    else if (info.from === 'scheduled' && info.to !== 'publishing') await service.unscheduled(ctx, item)
  })
  content.afterReschedule.register(async (ctx, item) => { await service.scheduled(ctx, item) })

  /**
   * The publish job: its item's hand-over (with a first small batch of other due items), then
   * the organization's other due items, a batch per transaction, while full batches come back
   * (the rest is other workers' or their own jobs'), until shutdown. Answers the own item's result.
   */
  async function runJob (payload: PublishJobPayload, signal?: AbortSignal): Promise<HandOverResult> {
    const result = await app.background.inTenant(payload.orgId, 'publisher', async (ctx) => await service.handOver(ctx, payload))
    for (let i = 0; i < DRAIN_BATCHES && signal?.aborted !== true; i++) {
      const { claimed, handled } = await app.background.inTenant(payload.orgId, 'publisher', async (ctx) => await service.handOverDue(ctx))
      if (claimed < service.batchSize || handled === 0) break
    }
    return result
  }
  app.jobs.define(PUBLISH_JOB, async (payload, job) => { await runJob(payload, job.signal) })
  app.jobs.define(TIMEOUT_JOB, async (payload) => {
    await app.background.inTenant(payload.orgId, 'publisher', async (ctx) => await service.timeOut(ctx, payload.publicationId))
  })

  /**
   * Finds, across organizations (herald_system), scheduled items past due by SWEEP_GRACE_MS
   * (their job died with a SIGKILLed worker, whose lock graphile-worker would keep for hours)
   * and queues them again; and hand-overs past their deadline, which it times out. Each item
   * is then handled in its tenant as the system actor; the hand-over's own checks make a
   * duplicate job harmless.
   */
  async function sweep (): Promise<{ requeued: number, timedOut: number }> {
    let requeued = 0
    let timedOut = 0
    const due = await app.background.scan(async (tx) => await queries.overdueScheduled(tx.db, new Date(Date.now() - SWEEP_GRACE_MS), SWEEP_BATCH))
    for (const d of due) {
      try {
        if (await app.background.inTenant(d.orgId, 'publishing sweep', async (ctx) => await service.requeue(ctx, d.id))) requeued++
      } catch (err) {
        app.log.error({ err, orgId: d.orgId, contentItemId: d.id }, 'publishing sweep could not queue an item again')
      }
    }
    const silent = await app.background.scan(async (tx) => await queries.pastDeadline(tx.db, SWEEP_BATCH))
    for (const p of silent) {
      try {
        if (await app.background.inTenant(p.orgId, 'publisher', async (ctx) => await service.timeOut(ctx, p.id))) timedOut++
      } catch (err) {
        app.log.error({ err, orgId: p.orgId, publicationId: p.id }, 'publishing sweep could not time out a hand-over')
      }
    }
    return { requeued, timedOut }
  }
  app.jobs.define('publishing-sweep', async () => { await sweep() })
  app.jobs.cron('publishing-sweep', SWEEP_CRON, {})

  app.decorate('publishing', { ...service, hooks, sweep, runJob })
  app.events.define(PUBLISHING_EVENTS, PUBLISHING_EVENT_DATA)
  await app.register(publishingRoutes, { service })
  app.graphql.defineResolvers(publishingResolvers(service))
  app.graphql.defineLoaders(publishingLoaders(service))
}, { name: 'publishing-module', dependencies: ['jobs', 'background', 'events-module', 'blackouts-module', 'content-items-module', 'approval-requests-module', 'graphql'] })
