// Factories for approval policies: rows made through the public API, as a client would.
import type { TestApp } from './helper.js'
import { bearer, json, unique } from './helper.js'
import type { Session } from './factories.js'
import { memberActor, type Role } from '../src/lib/actor.js'
import type { Ctx } from '../src/lib/context.js'

export interface PolicyDto {
  id: string
  brandId: string
  name: string
  steps: Array<{ name: string, roles: Role[], memberIds: string[], mode: 'any' | 'all' }>
  version: number
}

export const MANAGERS_THEN_CLIENT = [
  { name: 'Internal review', roles: ['manager'], mode: 'any' },
  { name: 'Client approval', roles: ['client'], mode: 'any' }
]

export async function createPolicy (h: TestApp, s: Session, brandId: string, steps: unknown[] = MANAGERS_THEN_CLIENT, name = unique('policy')): Promise<PolicyDto> {
  const res = await h.inject({ method: 'POST', url: '/v1/approval-policies', headers: bearer(s.token), payload: { brandId, name, steps } })
  if (res.statusCode !== 201) throw new Error(`policy failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

/** A campaign row straight in the table (the campaigns module lives on another branch). */
export async function insertCampaign (h: TestApp, orgId: string, brandId: string, approvalPolicyId: string | null = null): Promise<string> {
  const [row] = await h.sql('INSERT INTO campaigns (organization_id, brand_id, name, objective, approval_policy_id) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [orgId, brandId, unique('campaign'), 'awareness', approvalPolicyId])
  return row.id
}

/**
 * Runs fn with a service context of this session's member in a transaction of its own,
 * rolled back afterwards (for service methods that have no route of their own yet).
 */
export async function withMemberCtx<T> (h: TestApp, s: Session, role: Role, fn: (ctx: Ctx) => Promise<T>, brandIds: string[] | null = null): Promise<T> {
  const { tx } = await h.app.openTx('herald_app', s.orgId)
  try {
    const actor = memberActor({ id: s.membershipId, orgId: s.orgId, userId: s.userId, role, brandIds, email: s.email })
    return await fn({ actor, db: tx.db, requestId: 'test' })
  } finally {
    await tx.rollback()
  }
}
