// Rows content needs from modules built elsewhere (social accounts, campaigns) are made with SQL
// as the database owner; content itself is made through the public API, as a client would.
import { randomUUID } from 'node:crypto'
import { memberActor } from '../src/lib/actor.js'
import type { Ctx } from '../src/lib/context.js'
import type { ContentStatus } from '../src/db/tables/content-items.js'
import { bearer, json, unique, type TestApp } from './helper.js'
import { addMember, type Session } from './factories.js'

export async function socialAccount (h: TestApp, orgId: string, brandId: string, platform = 'x'): Promise<string> {
  const id = randomUUID()
  await h.sql('INSERT INTO social_accounts (id, organization_id, brand_id, platform, handle) VALUES ($1, $2, $3, $4, $5)', [id, orgId, brandId, platform, unique('handle')])
  return id
}

export async function campaign (h: TestApp, orgId: string, brandId: string): Promise<string> {
  const id = randomUUID()
  await h.sql("INSERT INTO campaigns (id, organization_id, brand_id, name, objective) VALUES ($1, $2, $3, $4, 'awareness')", [id, orgId, brandId, unique('campaign')])
  return id
}

export async function createItem (h: TestApp, s: Session, payload: Record<string, unknown>) {
  const res = await h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(s.token), payload: { title: unique('post'), kind: 'post', body: 'A post for the tests', ...payload } })
  if (res.statusCode !== 201) throw new Error(`content item failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

/** A service context for the owner of s, in a transaction of its own. */
export async function asOwner<T> (h: TestApp, s: Session, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const actor = memberActor({ id: s.membershipId, orgId: s.orgId, userId: s.userId, role: 'owner', brandIds: null, email: s.email })
  return await h.app.withTenant(s.orgId, async (tx) => await fn({ actor, db: tx.db, requestId: 'test' }))
}

const reviewers = new Map<string, Session>()

/**
 * A manager of s's organization who reviews content in tests (made once per organization).
 * Deciders are frozen at submission, so call it before submitting when an organization has
 * only its owner (the author never approves their own content).
 */
export async function reviewer (h: TestApp, s: Session): Promise<Session> {
  let r = reviewers.get(s.orgId)
  if (!r) {
    r = await addMember(h, s, 'manager')
    reviewers.set(s.orgId, r)
  }
  return r
}

/** The reviewer decides the item's open approval request, through the API. */
export async function decideOpen (h: TestApp, s: Session, itemId: string, decision: 'approve' | 'request_changes' | 'reject') {
  const [open] = await h.sql("SELECT id FROM approval_requests WHERE content_item_id = $1 AND status = 'open'", [itemId])
  if (!open) throw new Error(`no open approval request for ${itemId}`)
  const res = await h.inject({ method: 'POST', url: `/v1/approval-requests/${open.id}/decisions`, headers: bearer((await reviewer(h, s)).token), payload: { decision } })
  if (res.statusCode !== 201) throw new Error(`decision failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

/**
 * Moves an item the way another module would, through the exported transition(); moves out of
 * review (in_review → approved or changes_requested) are the reviewers', so they go through an
 * approval decision of the organization's reviewer.
 */
export async function moveTo (h: TestApp, s: Session, id: string, ...path: ContentStatus[]) {
  let item
  for (const to of path) {
    const [row] = await h.sql('SELECT status FROM content_items WHERE id = $1', [id])
    if (row?.status === 'in_review' && (to === 'approved' || to === 'changes_requested')) {
      await decideOpen(h, s, id, to === 'approved' ? 'approve' : 'request_changes')
      item = json(await h.inject({ method: 'GET', url: `/v1/content-items/${id}`, headers: bearer(s.token) }))
    } else {
      item = await asOwner(h, s, async (ctx) => await h.app.contentItems.transition(ctx, id, to, 'test'))
    }
  }
  return item!
}

/** An item with one X target, approved (by the organization's reviewer) and ready to schedule. */
export async function approvedItem (h: TestApp, s: Session, brandId: string, account: string, extra: Record<string, unknown> = {}) {
  await reviewer(h, s)
  const item = await createItem(h, s, { brandId, body: 'Hello', targets: [{ socialAccountId: account }], ...extra })
  const sub = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/submit`, headers: bearer(s.token) })
  if (sub.statusCode !== 200) throw new Error(`submit failed: ${sub.statusCode} ${sub.body}`)
  return await moveTo(h, s, item.id, 'approved')
}

/** A time well in the future, on the hour. */
export const future = (days = 30) => new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + days * 86_400_000).toISOString()
