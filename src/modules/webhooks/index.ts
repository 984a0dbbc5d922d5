import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { createWebhooksRepository, DELIVER_JOB } from './webhooks.repository.js'
import { createWebhooksService } from './webhooks.service.js'
import { webhooksRoutes } from './webhooks.routes.js'
import { webhooksResolvers } from './webhooks.resolvers.js'
import { closeIdleConnections } from './webhook-sender.js'
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_DATA } from './public.js'

export interface WebhooksOptions { webhooks: Config['webhooks'] }

// Webhook subscriptions, their signed deliveries from the events outbox, and the attempts log.
declare module '../../plugins/jobs.js' {
  interface JobPayloads {
    'webhooks.deliver': { orgId: string, deliveryId: string }
  }
}

export default fp<WebhooksOptions>(async (app, opts) => {
  const repo = createWebhooksRepository(app.cursors)
  const service = createWebhooksService({
    repo,
    jobs: app.jobs,
    brands: app.brands,
    events: app.events,
    record: app.events.record,
    policy: { ...opts.webhooks, maxResponseBytes: 1024 },
    secretOverlapHours: opts.webhooks.secretOverlapHours,
    inTenant: app.background.inTenant
  })
  app.decorate('webhooks', service)
  app.events.define(WEBHOOK_EVENTS, WEBHOOK_EVENT_DATA)

  // The outbox fan-out: every recorded event owes a delivery to each subscription that takes
  // it, in the same transaction (a test event is owed to its own subscription only).
  app.events.hooks.afterRecord.register(async (ctx, event) => {
    if (event.type !== 'webhook.test') await repo.oweDeliveries(ctx.actor.orgId, event, ctx.db)
  }, async (ctx, list) => {
    await repo.oweDeliveriesMany(ctx.actor.orgId, list.filter((e) => e.type !== 'webhook.test'), ctx.db)
  })
  app.jobs.define(DELIVER_JOB, async ({ orgId, deliveryId }) => { await service.attempt(orgId, deliveryId) })
  app.addHook('onClose', async () => { closeIdleConnections() })

  await app.register(webhooksRoutes, { service })
  app.graphql.defineResolvers(webhooksResolvers(service))
  app.nodes.define({ type: 'Webhook', table: 'webhook_subscriptions', get: async (ctx, id) => await service.get(ctx, id) })
}, { name: 'webhooks-module', dependencies: ['events-module', 'brands-module', 'background', 'jobs', 'graphql'] })
