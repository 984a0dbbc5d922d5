import type { FastifyBaseLogger } from 'fastify'
import type { Tx } from '../../db/tx.js'
import { iso } from '../../lib/http.js'
import type { EventsRepository } from '../events/events.repository.js'
import type { ApprovalRequestsRepository } from './approval-requests.repository.js'

// approval_request.overdue, exactly once per request, from a background scan that any number of
// instances may run at the same time:
// 1. find candidates across organizations as herald_system, which may only read the id,
//    organization, status and dates of approval requests (migrations/0005);
// 2. per organization, as herald_app inside that tenant (RLS applies, as for a request), mark
//    them with UPDATE … WHERE overdue_notified_at IS NULL … FOR UPDATE SKIP LOCKED RETURNING,
//    and write the events in that same transaction. A request is marked by one transaction
//    only, and its event commits with the mark, so it is announced once even when several
//    scans overlap or one crashes half-way (the rest is picked up by the next scan).

export interface OverdueScanDeps {
  repo: Pick<ApprovalRequestsRepository, 'markOverdue'>
  events: Pick<EventsRepository, 'insert'>
  withSystemScan: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
  withTenant: <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => Promise<T>
  log: FastifyBaseLogger
}

/** At most this many requests per scan; the next scan takes the rest. */
export const SCAN_BATCH = 500

export function createOverdueScan (deps: OverdueScanDeps) {
  const { repo, events, withSystemScan, withTenant, log } = deps

  /** One pass; returns the ids it announced. */
  async function scan (): Promise<string[]> {
    const candidates = await withSystemScan(async (tx) => (await tx.query<{ id: string, organization_id: string }>(
      `SELECT id, organization_id FROM approval_requests
        WHERE status = 'open' AND overdue_notified_at IS NULL AND due_at < now()
        ORDER BY due_at LIMIT ${SCAN_BATCH}`)).rows)
    const byOrg = new Map<string, string[]>()
    for (const c of candidates) byOrg.set(c.organization_id, [...(byOrg.get(c.organization_id) ?? []), c.id])
    const announced: string[] = []
    for (const [orgId, ids] of byOrg) {
      try {
        announced.push(...await withTenant(orgId, async (tx) => {
          const marked = await repo.markOverdue(orgId, ids, tx.db)
          for (const r of marked) {
            const step = r.steps[r.currentStep]
            await events.insert(orgId, {
              type: 'approval_request.overdue',
              subjectType: 'approval_request',
              subjectId: r.id,
              brandId: r.brandId,
              actorType: 'system',
              actorId: null,
              actorLabel: 'overdue scan',
              requestId: null,
              data: { requestId: r.id, contentItemId: r.contentItemId, revision: r.revision, dueAt: iso(r.dueAt), currentStep: r.currentStep, stepName: step?.name ?? null }
            }, tx.db)
          }
          return marked.map((r) => r.id)
        }))
      } catch (err) {
        // One organization's failure must not stop the others; its requests stay unmarked.
        log.error({ err, orgId }, 'approval overdue scan failed for an organization')
      }
    }
    return announced
  }

  let timer: NodeJS.Timeout | null = null
  let running: Promise<unknown> | null = null

  return {
    scan,

    /** Scans every intervalMs (not overlapping itself); the timer never keeps the process alive. */
    start (intervalMs: number): void {
      if (timer || intervalMs <= 0) return
      timer = setInterval(() => {
        if (running) return
        running = scan().catch((err) => log.error({ err }, 'approval overdue scan failed')).finally(() => { running = null })
      }, intervalMs)
      timer.unref()
    },

    /** Stops the timer and waits for a scan in flight (before the pool closes). */
    async stop (): Promise<void> {
      if (timer) clearInterval(timer)
      timer = null
      if (running) await running
    }
  }
}
export type OverdueScan = ReturnType<typeof createOverdueScan>
