// Factories for comments, guest review and the timeline. Items are made and submitted through
// the public API; the approval request is the one submission opened (once the approvals module
// opens them), or else a row inserted as the approvals module would write it.
import { randomUUID } from 'node:crypto'
import { bearer, json, type TestApp } from './helper.js'
import type { Session } from './factories.js'
import { createPolicy } from './factories-approvals.js'
import { createItem, socialAccount } from './factories-content.js'

export const CLIENT_ONLY = [{ name: 'Client approval', roles: ['client'], mode: 'any' }]
export const INTERNAL_THEN_CLIENT = [
  { name: 'Internal review', roles: ['manager'], mode: 'any' },
  { name: 'Client approval', roles: ['client'], mode: 'any' }
]
export const INTERNAL_ONLY = [{ name: 'Internal review', roles: ['manager'], mode: 'any' }]

/** Makes `steps` the brand's default approval policy. */
export async function usePolicy (h: TestApp, s: Session, brandId: string, steps: unknown[]): Promise<string> {
  const policy = await createPolicy(h, s, brandId, steps)
  const res = await h.inject({ method: 'PATCH', url: `/v1/brands/${brandId}`, headers: bearer(s.token), payload: { approvalPolicyId: policy.id } })
  if (res.statusCode !== 200) throw new Error(`policy switch failed: ${res.statusCode} ${res.body}`)
  return policy.id
}

export interface Submitted { item: any, requestId: string }

/** An item with one target, submitted for review; returns it and its open approval request. */
export async function submittedItem (h: TestApp, s: Session, brandId: string, steps: unknown[] = CLIENT_ONLY, extra: Record<string, unknown> = {}): Promise<Submitted> {
  const account = await socialAccount(h, s.orgId, brandId)
  const created = await createItem(h, s, { brandId, body: 'Spring is here', targets: [{ socialAccountId: account }], ...extra })
  const sub = await h.inject({ method: 'POST', url: `/v1/content-items/${created.id}/submit`, headers: bearer(s.token), payload: {} })
  if (sub.statusCode !== 200) throw new Error(`submit failed: ${sub.statusCode} ${sub.body}`)
  const item = json(sub)
  const [open] = await h.sql("SELECT id FROM approval_requests WHERE content_item_id = $1 AND status = 'open'", [item.id])
  if (open) return { item, requestId: open.id }
  const id = randomUUID()
  const frozen = (steps as Array<Record<string, unknown>>).map((st) => ({ roles: [], memberIds: [], eligibleMemberIds: [], ...st }))
  await h.sql(`INSERT INTO approval_requests (id, organization_id, brand_id, content_item_id, revision, policy_name, steps, submitted_by_type, submitted_by_id, submitted_by_label)
               VALUES ($1, $2, $3, $4, $5, 'Test policy', $6, 'member', $7, $8)`,
  [id, s.orgId, brandId, item.id, item.revision, JSON.stringify(frozen), s.membershipId, s.email])
  return { item, requestId: id }
}

/** Moves a request's current step (as earlier approvals would have). */
export async function atStep (h: TestApp, requestId: string, step: number): Promise<void> {
  await h.sql('UPDATE approval_requests SET current_step = $2 WHERE id = $1', [requestId, step])
}

export async function createGuestLink (h: TestApp, s: Session, requestId: string, payload: Record<string, unknown> = {}) {
  const res = await h.inject({
    method: 'POST',
    url: `/v1/approval-requests/${requestId}/guest-links`,
    headers: bearer(s.token),
    payload: { email: 'client.contact@example.com', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), ...payload }
  })
  if (res.statusCode !== 201) throw new Error(`guest link failed: ${res.statusCode} ${res.body}`)
  return json(res) as { id: string, token: string, requestId: string, email: string | null, expiresAt: string }
}

export async function comment (h: TestApp, s: Session | string, itemId: string, payload: Record<string, unknown>) {
  const token = typeof s === 'string' ? s : s.token
  const res = await h.inject({ method: 'POST', url: `/v1/content-items/${itemId}/comments`, headers: bearer(token), payload })
  if (res.statusCode !== 201) throw new Error(`comment failed: ${res.statusCode} ${res.body}`)
  return json(res)
}
