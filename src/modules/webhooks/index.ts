import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { createWebhooksRepository } from './webhooks.repository.js'
import { createWebhooksService } from './webhooks.service.js'
import { webhooksRoutes } from './webhooks.routes.js'
import { webhooksResolvers } from './webhooks.resolvers.js'
import { closeIdleConnections } from './webhook-sender.js'
import { WEBHOOK_EVENTS } from './public.js'

export interface WebhooksOptions { webhooks: Config['webhooks'] }

// Webhook subscriptions, their signed deliveries from the events outbox, and the attempts log.
export default fp<WebhooksOptions>(async (app, opts) => {
  const service = createWebhooksService({
    repo: createWebhooksRepository(app.cursors),
    brands: app.brands,
    events: app.events,
    record: app.events.record,
    policy: { ...opts.webhooks, maxResponseBytes: 1024 },
    secretOverlapHours: opts.webhooks.secretOverlapHours,
    inTenant: app.background.inTenant
  })
  app.decorate('webhooks', service)
  app.events.define(WEBHOOK_EVENTS)

  // Sends written by requests (test, redelivery) run after their commit, tracked so that
  // closing the app waits for them.
  const running = new Set<Promise<unknown>>()
  const sendAfterCommit = (orgId: string, deliveryId: string) => {
    const p = service.attempt(orgId, deliveryId)
      .catch((err) => { app.log.error({ err, deliveryId }, 'webhook delivery failed') })
      .finally(() => running.delete(p))
    running.add(p)
  }
  app.addHook('onClose', async () => {
    await Promise.all([...running])
    closeIdleConnections()
  })

  await app.register(webhooksRoutes, { service, sendAfterCommit })
  app.graphql.defineResolvers(webhooksResolvers(service))
}, { name: 'webhooks-module', dependencies: ['events-module', 'brands-module', 'background', 'graphql'] })
