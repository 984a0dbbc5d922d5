import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import events from './events/index.js'
import organizations from './organizations/index.js'
import brands from './brands/index.js'
import members from './members/index.js'
import apiKeys from './api-keys/index.js'
import auth from './auth/index.js'
import approvalPolicies from './approval-policies/index.js'
import socialAccounts from './social-accounts/index.js'
import campaigns from './campaigns/index.js'
import platforms from './platforms/index.js'
import blackouts from './blackouts/index.js'
import contentItems from './content-items/index.js'
import approvalRequests from './approval-requests/index.js'
import comments from './comments/index.js'
import timeline from './timeline/index.js'
import guestReview from './guest-review/index.js'
import metrics from './metrics/index.js'
import publishing from './publishing/index.js'
import crisis from './crisis/index.js'
import webhooks from './webhooks/index.js'

/**
 * Domain modules in dependency order: each may use (through its `public.ts` and `app.<name>`)
 * only the modules above it, and says which in its plugin's `dependencies`.
 */
export async function registerModules (app: FastifyInstance, config: Config): Promise<void> {
  // Tests check every recorded event against the catalogue's schema of its data.
  await app.register(events, { checkData: config.env === 'test' })
  await app.register(organizations)
  await app.register(brands)
  await app.register(members)
  await app.register(apiKeys)
  await app.register(auth, {
    allowSignup: config.allowSignup,
    accessTtlSeconds: config.accessTtlSeconds,
    refreshTtlDays: config.refreshTtlDays,
    login: config.login
  })
  await app.register(approvalPolicies)
  await app.register(socialAccounts)
  await app.register(campaigns)
  await app.register(platforms)
  await app.register(blackouts)
  await app.register(contentItems)
  await app.register(approvalRequests)
  await app.register(comments)
  await app.register(timeline)
  await app.register(guestReview)
  await app.register(metrics)
  await app.register(publishing, config.publishing)
  await app.register(crisis)
  await app.register(webhooks, { webhooks: config.webhooks })
}
