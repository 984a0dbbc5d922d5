import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import events from './events/index.js'
import organizations from './organizations/index.js'
import brands from './brands/index.js'
import members from './members/index.js'
import apiKeys from './api-keys/index.js'
import auth from './auth/index.js'
import approvals from './approvals/index.js'
import socialAccounts from './social-accounts/index.js'
import campaigns from './campaigns/index.js'
import platforms from './platforms/index.js'
import blackouts from './blackouts/index.js'
import contentItems from './content-items/index.js'
import approvalRequests from './approvals/approval-requests.plugin.js'
import comments from './comments/index.js'
import timeline from './timeline/index.js'
import guestReview from './guest-review/index.js'

/** Domain modules in dependency order. */
export async function registerModules (app: FastifyInstance, config: Config): Promise<void> {
  await app.register(events)
  await app.register(organizations)
  await app.register(brands)
  await app.register(members)
  await app.register(apiKeys)
  await app.register(approvals)
  await app.register(auth, {
    allowSignup: config.allowSignup,
    accessTtlSeconds: config.accessTtlSeconds,
    refreshTtlDays: config.refreshTtlDays,
    login: config.login
  })
  await app.register(socialAccounts)
  await app.register(campaigns)
  await app.register(platforms)
  await app.register(blackouts)
  await app.register(contentItems)
  await app.register(approvalRequests, { overdueScanMs: config.approvals.overdueScanMs })
  await app.register(comments)
  await app.register(timeline)
  await app.register(guestReview)
}
