import type { Ctx } from '../../lib/context.js'
import type { RecordEvent } from '../events/public.js'
import type { Jobs } from '../../plugins/jobs.js'
import { envelopeOf } from './webhook-envelope.js'
import { send, signatureHeaders, type SendPolicy, type SendResult } from './webhook-sender.js'
import { DELIVER_JOB, deliverJobKey, type DeliveryRow, type WebhookRow, type WebhooksRepository } from './webhooks.repository.js'
import { nextDelaySeconds } from './webhook-schedule.js'
import { deliveriesToSend, type DeliveryToSend } from './webhooks.queries.js'
import { createBatcher } from './webhook-batcher.js'
import { toWebhookDto, webhookSubject } from './webhooks.dto.js'

// Sending what is owed: the webhooks.deliver job runs one attempt of one delivery. The
// subscriptions themselves are managed in webhooks.service.ts.

export interface DeliveryDeps {
  repo: WebhooksRepository
  record: RecordEvent
  policy: SendPolicy
  /** The job queue: a retry is the webhooks.deliver job again, at its time. */
  jobs: Pick<Jobs, 'add'>
  /** Runs work in a tenant transaction as the system actor (background work). */
  inTenant: <T>(orgId: string, label: string, fn: (ctx: Ctx) => Promise<T>) => Promise<T>
}

/** Statements of deliveries within 2 ms of each other travel together (up to 64). */
const BATCHING = { delayMs: 2, maxSize: 64 }

/** The live secrets of a subscription: the current one, and the previous one during its overlap. */
export function liveSecrets (row: Pick<WebhookRow, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now = new Date()): string[] {
  return row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? [row.secret, row.previousSecret] : [row.secret]
}

/** The webhooks.deliver job's work: one attempt of one delivery (null when nothing is owed). */
export function createDeliveryRunner (deps: DeliveryDeps): (orgId: string, deliveryId: string) => Promise<{ attemptNumber: number } | null> {
  const { repo, record, policy } = deps

  /** What one attempt learnt, to be logged and settled. */
  interface Settle { d: DeliveryToSend, startedAt: Date, result: SendResult, status: DeliveryRow['status'], runAt: Date | null }

  // The attempts running at once in this worker share their statements (webhook-batcher.ts):
  // one read for the deliveries that start together, one settle for those that end together.
  const read = createBatcher<string, DeliveryToSend | undefined>(async (orgId, ids) => {
    const found = await deps.inTenant(orgId, 'webhook delivery', async (ctx) => await deliveriesToSend(orgId, [...new Set(ids)], ctx.db))
    return ids.map((id) => found.get(id))
  }, BATCHING)

  const settle = createBatcher<Settle, { attemptNumber: number }>(async (orgId, items) => await deps.inTenant(orgId, 'webhook delivery', async (ctx) => {
    // A delivery at most once per statement (two runs of one delivery may end together).
    const numbers = new Map<Settle, number>()
    let left = items
    while (left.length) {
      const seen = new Set<string>()
      const round: Settle[] = []
      const later: Settle[] = []
      for (const s of left) {
        if (seen.has(s.d.deliveryId)) later.push(s)
        else { seen.add(s.d.deliveryId); round.push(s) }
      }
      left = later
      const logged = await repo.recordAttempts(orgId, round.map((s) => ({
        attempt: {
          deliveryId: s.d.deliveryId,
          subscriptionId: s.d.subscriptionId,
          eventId: s.d.event.id,
          startedAt: s.startedAt,
          durationMs: s.result.durationMs,
          statusCode: s.result.statusCode,
          responseBody: s.result.responseBody,
          errorClass: s.result.errorClass,
          error: s.result.error
        },
        outcome: { status: s.status, nextAttemptAt: s.runAt }
      })), ctx.db)
      for (const s of round) numbers.set(s, logged.get(s.d.deliveryId) ?? s.d.attempts + 1)
    }
    // What comes next, for the (rare) attempts that did not succeed.
    for (const s of items) {
      const { d, result, runAt } = s
      if (runAt) {
        await deps.jobs.add(DELIVER_JOB, { orgId, deliveryId: d.deliveryId }, { key: deliverJobKey(d.deliveryId), runAt }, ctx.db)
      } else if (result.statusCode === 410) {
        // 410 Gone: the receiver says it will never want these again.
        await disable(ctx, d.subscriptionId, 'gone', 'The receiver answered 410 Gone.')
      } else if (s.status === 'failed') {
        // The whole schedule (about three days) failed: sustained failure.
        await disable(ctx, d.subscriptionId, 'failing', `A delivery failed ${numbers.get(s) ?? 0} times over about three days; the last error: ${result.error ?? 'unknown'}`)
      }
    }
    return items.map((s) => ({ attemptNumber: numbers.get(s) ?? s.d.attempts + 1 }))
  }), BATCHING)

  /**
   * One attempt of one delivery: read (in a statement shared with the attempts starting at
   * the same time), sent outside any transaction, logged and settled (in a statement shared
   * with those ending at the same time), which also schedules the next try, or disables the
   * subscription.
   */
  async function attempt (orgId: string, deliveryId: string): Promise<{ attemptNumber: number } | null> {
    const d = await read(orgId, deliveryId)
    // Gone, already delivered, or its subscription disabled (it waits: re-enabling resumes it).
    if (!d || d.status === 'succeeded' || !d.enabled) return null
    const body = JSON.stringify(envelopeOf(orgId, d.event))
    const startedAt = new Date()
    const result: SendResult = await send(d.url, signatureHeaders(d.event.id, startedAt, body, liveSecrets(d, startedAt)), body, policy)
    const attemptNumber = d.attempts + 1
    const delay = result.errorClass === null || result.statusCode === 410 ? null : nextDelaySeconds(attemptNumber, result.retryAfterSeconds)
    const runAt = delay === null ? null : new Date(Date.now() + delay * 1000)
    const status = result.errorClass === null ? 'succeeded' : runAt ? 'pending' : 'failed'
    return await settle(orgId, { d, startedAt, result, status, runAt })
  }

  /** Herald disables a subscription and says so with webhook.disabled. */
  async function disable (ctx: Ctx, id: string, reason: string, detail: string): Promise<void> {
    const row = await repo.disable(ctx.actor.orgId, id, reason, ctx.db)
    if (!row) return
    await record(ctx, { type: 'webhook.disabled', ...webhookSubject(row), data: { webhook: toWebhookDto(row), reason, detail } })
  }

  return attempt
}
