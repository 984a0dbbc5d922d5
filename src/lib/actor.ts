import { AppError } from './errors.js'

// Authorization lives here and is called from services only, so REST and GraphQL share it.
// Deny by default: a permission that is not listed for a role or granted to a key is refused.

export const ROLES = ['owner', 'admin', 'manager', 'creator', 'analyst', 'client'] as const
export type Role = typeof ROLES[number]

/** Permissions double as API-key scopes. */
export const SCOPES = [
  'organization:read',
  'members:read',
  'brands:read', 'brands:write',
  'events:read', 'audit:read',
  'campaigns:read', 'campaigns:write',
  'content:read', 'content:write',
  'approvals:read', 'approvals:write',
  'crisis:read', 'crisis:write',
  'metrics:read', 'metrics:write',
  'webhooks:manage',
  'publishing:write'
] as const
export type Scope = typeof SCOPES[number]

/** Things only a signed-in person may do, never an API key. */
export const USER_ONLY = ['members:manage', 'api_keys:manage', 'organization:manage', 'organization:transfer'] as const
export type UserOnly = typeof USER_ONLY[number]
export type Permission = Scope | UserOnly

const READ: Scope[] = ['organization:read', 'members:read', 'brands:read', 'events:read', 'campaigns:read', 'content:read', 'approvals:read', 'crisis:read', 'metrics:read']

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set<Permission>([...SCOPES, ...USER_ONLY]),
  admin: new Set<Permission>([...SCOPES, 'members:manage', 'api_keys:manage', 'organization:manage']),
  manager: new Set<Permission>([...READ, 'brands:write', 'campaigns:write', 'content:write', 'approvals:write', 'crisis:write', 'metrics:write']),
  creator: new Set<Permission>(['organization:read', 'members:read', 'brands:read', 'events:read', 'campaigns:read', 'content:read', 'content:write', 'approvals:read']),
  analyst: new Set<Permission>([...READ, 'metrics:write']),
  client: new Set<Permission>(['organization:read', 'brands:read', 'campaigns:read', 'content:read', 'approvals:read', 'metrics:read'])
}

/** What a guest review link is bound to: one approval request of one content item. */
export interface GuestGrant {
  linkId: string
  requestId: string
  contentItemId: string
  email: string | null
}

export interface Actor {
  kind: 'member' | 'api_key' | 'guest' | 'system'
  /** The principal: a membership id, an API key id, a guest review link id, or SYSTEM_ID. */
  id: string
  orgId: string
  userId?: string
  role?: Role
  permissions: ReadonlySet<Permission>
  /** null: every brand of the organization. */
  brandIds: readonly string[] | null
  /** For the audit log: the member's email, the key's name, or the guest's email. */
  label: string
  /** Only for guests: the one request they may view, comment on and decide. */
  guest?: GuestGrant
}

export function memberActor (m: { id: string, orgId: string, userId: string, role: Role, brandIds: string[] | null, email: string }): Actor {
  return { kind: 'member', id: m.id, orgId: m.orgId, userId: m.userId, role: m.role, permissions: ROLE_PERMISSIONS[m.role], brandIds: m.brandIds, label: m.email }
}

export function apiKeyActor (k: { id: string, orgId: string, scopes: string[], brandIds: string[] | null, name: string }): Actor {
  const permissions = new Set<Permission>(k.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)))
  return { kind: 'api_key', id: k.id, orgId: k.orgId, permissions, brandIds: k.brandIds, label: k.name }
}

/**
 * A client contact without an account, holding a review link: no permission at all, so every
 * ordinary route and service refuses it; the guest-review module checks `guest` itself.
 */
export function guestActor (g: GuestGrant & { orgId: string, brandId: string }): Actor {
  return {
    kind: 'guest',
    id: g.linkId,
    orgId: g.orgId,
    permissions: new Set<Permission>(),
    brandIds: [g.brandId],
    label: g.email ?? 'guest reviewer',
    guest: { linkId: g.linkId, requestId: g.requestId, contentItemId: g.contentItemId, email: g.email }
  }
}

/** The id a system actor carries; stored as no id at all (actor columns are null for it). */
export const SYSTEM_ID = '00000000-0000-0000-0000-000000000000'

/**
 * Herald itself, for work outside a request (scans, jobs, webhook delivery, timers): it calls
 * the same service methods as a person, in a tenant transaction, so the same rules run and its
 * events say who acted ("system", with what it was doing as the label). It holds every scope
 * but none of the user-only permissions, and sees every brand.
 */
export function systemActor (orgId: string, label: string): Actor {
  return { kind: 'system', id: SYSTEM_ID, orgId, permissions: new Set<Permission>(SCOPES), brandIds: null, label }
}

/** Who acted, as stored in actor columns (events, revisions, creators): no id for the system. */
export function actorRef (actor: Actor): { type: Actor['kind'], id: string | null, label: string } {
  return { type: actor.kind, id: actor.kind === 'system' ? null : actor.id, label: actor.label }
}

export function can (actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission)
}

export function authorize (actor: Actor, permission: Permission): void {
  if (can(actor, permission)) return
  if (actor.kind === 'api_key') {
    if ((USER_ONLY as readonly string[]).includes(permission)) {
      throw new AppError('HERALD_USER_REQUIRED', 'This action needs a signed-in user; API keys cannot perform it.')
    }
    throw new AppError('HERALD_FORBIDDEN', `This API key lacks the scope ${permission}.`, { extra: { missingScope: permission } })
  }
  if (actor.kind === 'guest') throw new AppError('HERALD_FORBIDDEN', 'A guest review link may only view, comment on and decide its own review.')
  throw new AppError('HERALD_FORBIDDEN', `The ${actor.role} role may not do this (needs ${permission}).`)
}

export function requireUser (actor: Actor): asserts actor is Actor & { userId: string, role: Role } {
  if (actor.kind !== 'member') {
    throw new AppError('HERALD_USER_REQUIRED', 'This action needs a signed-in user; API keys cannot perform it.')
  }
}

export function canSeeBrand (actor: Actor, brandId: string): boolean {
  return actor.brandIds === null || actor.brandIds.includes(brandId)
}

export function isBrandLimited (actor: Actor): boolean {
  return actor.brandIds !== null
}
