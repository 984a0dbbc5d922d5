import { randomUUID } from 'node:crypto'
import type { Tx } from '../../db/tx.js'
import { memberActor, type Role, type Scope, SCOPES } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, isUniqueViolation } from '../../lib/errors.js'
import type { LoginGuard } from '../../lib/failure-limiter.js'
import { hashPassword, verifyPassword } from '../../lib/passwords.js'
import { base62, opaqueToken, sha256 } from '../../lib/tokens.js'
import type { MembersService } from '../members/public.js'
import type { OrganizationsService } from '../organizations/public.js'
import type { AuthQueries, OrganizationRow } from './auth.queries.js'
import type { AuthRepository, UserRow } from './auth.repository.js'
import type { AcceptInvitationInput, MeResponse, SignupInput, TokenInput, TokenResponse } from './auth.schemas.js'
import { heraldMetrics } from '../../plugins/metrics.js'

export interface AuthDeps {
  repo: AuthRepository
  queries: AuthQueries
  members: Pick<MembersService, 'addFounder' | 'join'>
  organizations: Pick<OrganizationsService, 'create' | 'current'>
  withTenant: <T>(orgId: string, fn: (tx: Tx) => Promise<T>) => Promise<T>
  withAuthLookup: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
  signAccess: (claims: { sub: string, org: string, mid: string, typ: 'access' }) => string
  limiter: LoginGuard
  allowSignup: boolean
  accessTtlSeconds: number
  refreshTtlDays: number
}

export interface CallMeta { ip: string, requestId: string }

const badCredentials = () => new AppError('HERALD_INVALID_CREDENTIALS', 'The email or password is wrong.')
const badRefresh = () => new AppError('HERALD_INVALID_CREDENTIALS', 'The refresh token is not valid; sign in again.')

function slugify (name: string): string {
  const base = name.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'org'
  return `${base}-${base62(6).toLowerCase()}`
}

export function createAuthService (deps: AuthDeps) {
  const { repo, queries } = deps

  /** Issues an access token and a refresh token (a new family unless one is given). */
  async function issue (tx: Tx, p: { user: UserRow, org: Pick<OrganizationRow, 'id' | 'name' | 'slug' | 'timeZone'>, membershipId: string, role: Role, familyId?: string }): Promise<TokenResponse> {
    const refreshToken = opaqueToken()
    await repo.insertRefreshToken({
      organizationId: p.org.id,
      userId: p.user.id,
      membershipId: p.membershipId,
      familyId: p.familyId ?? randomUUID(),
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + deps.refreshTtlDays * 86_400_000)
    }, tx.db)
    return {
      tokenType: 'Bearer',
      accessToken: deps.signAccess({ sub: p.user.id, org: p.org.id, mid: p.membershipId, typ: 'access' }),
      expiresIn: deps.accessTtlSeconds,
      refreshToken,
      user: { id: p.user.id, email: p.user.email, name: p.user.name },
      organization: { id: p.org.id, name: p.org.name, slug: p.org.slug, timeZone: p.org.timeZone },
      role: p.role
    }
  }

  const ctxFor = (tx: Tx, meta: CallMeta, m: { id: string, orgId: string, userId: string, role: Role, email: string }): Ctx =>
    ({ actor: memberActor({ ...m, brandIds: null }), db: tx.db, requestId: meta.requestId })

  async function passwordGrant (input: Extract<TokenInput, { grantType: 'password' }>, meta: CallMeta): Promise<TokenResponse> {
    await deps.limiter.check(input.email, meta.ip).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'HERALD_RATE_LIMITED') heraldMetrics.rateLimitRefusals.inc({ limiter: 'sign_in' })
      throw err
    })
    const found = await deps.withAuthLookup(async (tx) => {
      const user = await repo.findUserByEmail(input.email, tx.db)
      const memberships = user ? await queries.activeMembershipsOf(user.id, tx.db) : []
      return { user, memberships }
    })
    const ok = await verifyPassword(found.user?.passwordHash, input.password)
    const membership = input.organizationId
      ? found.memberships.find((m) => m.organizationId === input.organizationId)
      : found.memberships[0]
    if (!ok || !found.user || !membership) {
      heraldMetrics.signInFailures.inc()
      await deps.limiter.failed(input.email, meta.ip)
      throw badCredentials()
    }
    await deps.limiter.succeeded(input.email, meta.ip)
    const user = found.user
    return await deps.withTenant(membership.organizationId, async (tx) => {
      const org = (await queries.findOrganization(membership.organizationId, tx.db))!
      return await issue(tx, { user, org, membershipId: membership.id, role: membership.role })
    })
  }

  async function refreshGrant (refreshToken: string): Promise<TokenResponse> {
    const hash = sha256(refreshToken)
    const row = await deps.withAuthLookup(async (tx) => await repo.findRefreshToken(hash, tx.db))
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw badRefresh()
    const outcome = await deps.withTenant(row.organizationId, async (tx) => {
      if (!await repo.markReplaced(row.organizationId, row.id, tx.db)) {
        // Used before: someone holds a copy. Revoke the family so neither copy works.
        await repo.revokeFamily(row.organizationId, row.familyId, tx.db)
        return null
      }
      const membership = await queries.findMembership(row.organizationId, row.membershipId, tx.db)
      const user = await repo.findUser(row.userId, tx.db)
      const org = await queries.findOrganization(row.organizationId, tx.db)
      if (!membership || membership.status !== 'active' || !user || !org) return null
      return await issue(tx, { user, org, membershipId: membership.id, role: membership.role, familyId: row.familyId })
    })
    if (!outcome) throw badRefresh()
    return outcome
  }

  return {
    async signup (input: SignupInput, meta: CallMeta): Promise<TokenResponse> {
      if (!deps.allowSignup) throw new AppError('HERALD_SIGNUP_DISABLED', 'Sign-up is switched off on this server; ask an owner for an invitation.')
      const passwordHash = await hashPassword(input.password)
      const orgId = randomUUID()
      try {
        return await deps.withTenant(orgId, async (tx) => {
          const user = await repo.insertUser({ email: input.email, name: input.name, passwordHash }, tx.db)
          // The organization and its owner's membership are written by their own modules, as
          // the owner (who acts from the first event on).
          const membershipId = randomUUID()
          const ctx = ctxFor(tx, meta, { id: membershipId, orgId, userId: user.id, role: 'owner', email: input.email })
          const org = await deps.organizations.create(ctx, { name: input.organizationName, slug: slugify(input.organizationName) })
          await deps.members.addFounder(ctx, input.email)
          return await issue(tx, { user, org, membershipId, role: 'owner' })
        })
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new AppError('HERALD_DUPLICATE', 'An account with this email already exists; sign in, or ask for an invitation.', { errors: [{ path: 'email', message: 'already registered' }] })
        }
        throw err
      }
    },

    async token (input: TokenInput, meta: CallMeta): Promise<TokenResponse> {
      return input.grantType === 'password' ? await passwordGrant(input, meta) : await refreshGrant(input.refreshToken)
    },

    async acceptInvitation (input: AcceptInvitationInput, meta: CallMeta): Promise<TokenResponse> {
      const hash = sha256(input.token)
      const found = await deps.withAuthLookup(async (tx) => {
        const invitation = await queries.findInvitation(hash, tx.db)
        const user = invitation ? await repo.findUserByEmail(invitation.email, tx.db) : undefined
        return { invitation, user }
      })
      const inv = found.invitation
      if (!inv || !inv.invitationExpiresAt || inv.invitationExpiresAt.getTime() <= Date.now()) {
        throw new AppError('HERALD_INVALID_CREDENTIALS', 'The invitation is not valid or has expired; ask for a new one.')
      }
      // Someone who already has an account (in another agency) proves it with their password.
      if (found.user && !await verifyPassword(found.user.passwordHash, input.password)) {
        throw new AppError('HERALD_INVALID_CREDENTIALS', 'An account with this email exists; accept with its current password.')
      }
      const passwordHash = found.user ? null : await hashPassword(input.password)
      return await deps.withTenant(inv.organizationId, async (tx) => {
        const user = found.user ?? await repo.insertUser({ email: inv.email, name: input.name, passwordHash: passwordHash! }, tx.db)
        const ctx = ctxFor(tx, meta, { id: inv.id, orgId: inv.organizationId, userId: user.id, role: inv.role, email: inv.email })
        if (!await deps.members.join(ctx, inv.email)) {
          throw new AppError('HERALD_INVALID_CREDENTIALS', 'The invitation has already been used.')
        }
        const org = (await queries.findOrganization(inv.organizationId, tx.db))!
        return await issue(tx, { user, org, membershipId: inv.id, role: inv.role })
      })
    },

    async me (ctx: Ctx): Promise<MeResponse> {
      const scopes = SCOPES.filter((s) => ctx.actor.permissions.has(s)) as Scope[]
      const brandIds = ctx.actor.brandIds ? [...ctx.actor.brandIds] : null
      // Both reads issued together: one round trip. The organization's full settings (version
      // included, for GraphQL's updateOrganization); REST's /v1/me serializes only what its schema names.
      if (ctx.actor.kind === 'member') {
        const [organization, user] = await Promise.all([deps.organizations.current(ctx), repo.findUser(ctx.actor.userId!, ctx.db)])
        return { kind: 'user', user: { id: user!.id, email: user!.email, name: user!.name }, apiKey: null, membershipId: ctx.actor.id, organization, role: ctx.actor.role!, scopes, brandIds }
      }
      const [organization, key] = await Promise.all([deps.organizations.current(ctx), queries.findApiKey(ctx.actor.orgId, ctx.actor.id, ctx.db)])
      return { kind: 'api_key', user: null, apiKey: key!, membershipId: null, organization, role: null, scopes, brandIds }
    }
  }
}
export type AuthService = ReturnType<typeof createAuthService>
