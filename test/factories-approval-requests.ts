// Factories for approval requests: a team with every role a review needs, content submitted
// through the API, and decisions taken through the API, as clients would.
import type { LightMyRequestResponse } from 'fastify'
import { guestActor, memberActor, type Actor, type Role } from '../src/lib/actor.js'
import type { Ctx } from '../src/lib/context.js'
import { bearer, json, type TestApp } from './helper.js'
import { addMember, createBrand, signup, type Session } from './factories.js'
import { createPolicy, MANAGERS_THEN_CLIENT } from './factories-approvals.js'
import { createItem, socialAccount } from './factories-content.js'

export interface Team {
  owner: Session
  manager: Session
  manager2: Session
  creator: Session
  client: Session
  brand: { id: string }
  account: string
  /** The brand's policy: internal review (managers, any), then client approval (client, any). */
  policyId: string
}

/** An organization with a brand whose default policy is managers then client. */
export async function team (h: TestApp, label = 'team', steps: unknown[] = MANAGERS_THEN_CLIENT): Promise<Team> {
  const owner = await signup(h, label)
  const brand = await createBrand(h, owner, `${label} brand`)
  const account = await socialAccount(h, owner.orgId, brand.id, 'x')
  const [manager, manager2, creator, client] = [
    await addMember(h, owner, 'manager'),
    await addMember(h, owner, 'manager'),
    await addMember(h, owner, 'creator'),
    await addMember(h, owner, 'client', [brand.id])
  ]
  const policy = await createPolicy(h, owner, brand.id, steps)
  const res = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(owner.token), payload: { approvalPolicyId: policy.id } })
  if (res.statusCode !== 200) throw new Error(`brand policy failed: ${res.statusCode} ${res.body}`)
  return { owner, manager, manager2, creator, client, brand, account, policyId: policy.id }
}

export const submit = async (h: TestApp, s: Session, itemId: string, payload?: object) =>
  await h.inject({ method: 'POST', url: `/v1/content-items/${itemId}/submit`, headers: bearer(s.token), ...(payload ? { payload } : {}) })

/** A post written by `author`, submitted; returns the item and its open request's id. */
export async function submitted (h: TestApp, t: Team, author: Session = t.creator, extra: Record<string, unknown> = {}, submitBody?: object) {
  const item = await createItem(h, author, { brandId: t.brand.id, body: 'Spring blend is here', targets: [{ socialAccountId: t.account }], ...extra })
  const res = await submit(h, author, item.id, submitBody)
  if (res.statusCode !== 200) throw new Error(`submit failed: ${res.statusCode} ${res.body}`)
  const [open] = await h.sql("SELECT id FROM approval_requests WHERE content_item_id = $1 AND status = 'open'", [item.id])
  return { item, requestId: open.id as string }
}

export const decide = async (h: TestApp, s: { token: string }, requestId: string, decision: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
  await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: { ...bearer(s.token), ...headers }, payload: { decision, ...extra } })

export const getRequest = async (h: TestApp, s: { token: string }, id: string) =>
  await h.inject({ method: 'GET', url: `/v1/approval-requests/${id}`, headers: bearer(s.token) })

export const itemStatus = async (h: TestApp, id: string): Promise<string> =>
  (await h.sql('SELECT status FROM content_items WHERE id = $1', [id]))[0].status

export const requestRow = async (h: TestApp, id: string) =>
  (await h.sql('SELECT status, current_step, version, closed_at, overdue_notified_at FROM approval_requests WHERE id = $1', [id]))[0]

/** Runs fn as a service context of `actor` in a transaction of its own, committed on success. */
export async function asActor<T> (h: TestApp, actor: Actor, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return await h.app.withTenant(actor.orgId, async (tx) => await fn({ actor, db: tx.db, requestId: 'test' }))
}

export const member = (s: Session, role: Role, brandIds: string[] | null = null) =>
  memberActor({ id: s.membershipId, orgId: s.orgId, userId: s.userId, role, brandIds, email: s.email })

/** A guest review link's actor (the link row is the review module's; its id is the guest's id). */
export const guest = (t: Team, g: { linkId: string, requestId: string, contentItemId: string, email: string | null }) =>
  guestActor({ ...g, orgId: t.owner.orgId, brandId: t.brand.id })

export const body = json
