import type { Role } from '../../lib/actor.js'
import type { ApprovalStep } from '../../db/tables/brands.js'

/**
 * The policy a new brand gets, and the one a brand without any policy falls back to: one
 * internal review step that any manager, admin or owner completes. A fresh copy each call.
 */
export function builtInDefaultPolicy (): { name: string, steps: ApprovalStep[] } {
  return { name: 'Internal review', steps: [{ name: 'Internal review', roles: ['manager', 'admin', 'owner'], memberIds: [], mode: 'any' }] }
}

/** A step that the client role, and therefore a guest review link, may decide. */
export function isClientStep (step: { roles?: readonly Role[] | null }): boolean {
  return (step.roles ?? []).includes('client')
}
