import { together } from '../../lib/together.js'
import type { JWT } from '@fastify/jwt'
import { authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { signGuestToken } from '../../lib/guest-tokens.js'
import { iso } from '../../lib/http.js'
import type { Page } from '../../lib/pagination.js'
import { isClientStep } from '../approval-policies/public.js'
import type { RecordEvent } from '../events/public.js'
import type { GuestLinkRow, GuestReviewRepository } from './guest-review.repository.js'
import type { GuestReviewQueries, RequestRow } from './guest-review.queries.js'
import { MAX_ACTIVE_GUEST_LINKS, MAX_GUEST_LINK_DAYS, type CreatedGuestLinkDto, type CreateGuestLinkInput, type GuestLinkDto, type GuestLinkListQuery } from './guest-links.schemas.js'

// Guest review links: a signed, expiring token for one approval request, for a client contact
// without an account. Created, listed and revoked by the people who run the review
// (approvals:write); the token is shown once and never stored (the row is what makes it
// revocable: the guest auth mode checks it on every call).

export function toGuestLinkDto (r: GuestLinkRow, now = Date.now()): GuestLinkDto {
  return {
    id: r.id,
    requestId: r.requestId,
    email: r.email,
    status: r.revokedAt ? 'revoked' : r.expiresAt.getTime() <= now ? 'expired' : 'active',
    expiresAt: iso(r.expiresAt)!,
    revokedAt: iso(r.revokedAt),
    lastUsedAt: iso(r.lastUsedAt),
    createdBy: { type: r.createdByType, id: r.createdById },
    createdAt: iso(r.createdAt)!
  }
}

const DAY_MS = 86_400_000

export function createGuestLinksService (deps: { repo: GuestReviewRepository, queries: Pick<GuestReviewQueries, 'findRequest'>, record: RecordEvent, jwt: JWT }) {
  const { repo, queries, record, jwt } = deps

  /** A request of a brand the caller may see, or 404. */
  async function request (ctx: Ctx, id: string): Promise<RequestRow> {
    const row = await queries.findRequest(ctx.actor.orgId, id, ctx.db)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Approval request')
    return row
  }

  /** A link of a request the caller may see (and of the request in the path, when given). */
  async function link (ctx: Ctx, id: string, requestId?: string): Promise<{ link: GuestLinkRow, request: RequestRow }> {
    const row = await repo.findLink(ctx.actor.orgId, id, ctx.db)
    if (!row || (requestId !== undefined && row.requestId !== requestId)) throw notFound('Guest link')
    const req = await queries.findRequest(ctx.actor.orgId, row.requestId, ctx.db)
    if (!req || !canSeeBrand(ctx.actor, req.brandId)) throw notFound('Guest link')
    return { link: row, request: req }
  }

  /** Whole seconds (the token's exp is in seconds), in the future, at most 30 days ahead. */
  function expiry (raw: string): Date {
    const at = new Date(Math.floor(Date.parse(raw) / 1000) * 1000)
    const bad = (message: string) => new AppError('HERALD_VALIDATION', `expiresAt ${message}.`, { errors: [{ path: 'expiresAt', message }] })
    if (at.getTime() <= Date.now()) throw bad('must be in the future')
    if (at.getTime() > Date.now() + MAX_GUEST_LINK_DAYS * DAY_MS) throw bad(`must be at most ${MAX_GUEST_LINK_DAYS} days ahead`)
    return at
  }

  return {
    async create (ctx: Ctx, requestId: string, input: CreateGuestLinkInput): Promise<CreatedGuestLinkDto> {
      authorize(ctx.actor, 'approvals:write')
      const req = await request(ctx, requestId)
      const expiresAt = expiry(input.expiresAt)
      if (req.status !== 'open') {
        throw new AppError('HERALD_UNPROCESSABLE', `This approval request is ${req.status}; guest links are only for open requests.`, { extra: { currentStatus: req.status } })
      }
      // A guest may decide only at a client step: a link for a request with none left ahead
      // would let a stranger view the content and nothing more.
      if (!req.steps.slice(req.currentStep).some((s) => isClientStep(s))) {
        throw new AppError('HERALD_UNPROCESSABLE', 'No step from the current one on allows the client role, so a guest could never decide; guest links are for client steps.')
      }
      if (await repo.countActive(ctx.actor.orgId, requestId, ctx.db) >= MAX_ACTIVE_GUEST_LINKS) {
        throw new AppError('HERALD_UNPROCESSABLE', `This request already has ${MAX_ACTIVE_GUEST_LINKS} active guest links; revoke some first.`)
      }
      const row = await repo.insertLink(ctx.actor.orgId, {
        requestId, email: input.email ?? null, expiresAt, createdByType: ctx.actor.kind, createdById: ctx.actor.id
      }, ctx.db)
      const dto = toGuestLinkDto(row)
      await record(ctx, { type: 'guest_link.created', subjectType: 'guest_link', subjectId: row.id, brandId: req.brandId, data: { requestId, contentItemId: req.contentItemId, guestLink: dto } })
      return { ...dto, token: signGuestToken(jwt, { id: row.id, orgId: ctx.actor.orgId, requestId, expiresAt }) }
    },

    /** One link by its id (node(id:)), with the checks of its request's list. */
    async get (ctx: Ctx, id: string): Promise<GuestLinkDto> {
      authorize(ctx.actor, 'approvals:write')
      return toGuestLinkDto((await link(ctx, id)).link, Date.now())
    },

    async list (ctx: Ctx, requestId: string, q: GuestLinkListQuery): Promise<Page<GuestLinkDto>> {
      authorize(ctx.actor, 'approvals:write')
      const [, page] = await together(request(ctx, requestId), repo.listLinks(ctx.actor.orgId, requestId, q, ctx.db))
      const now = Date.now()
      return { ...page, data: page.data.map((r) => toGuestLinkDto(r, now)) }
    },

    /** Revoking twice is not an error (the link stays revoked; one event only). */
    async revoke (ctx: Ctx, linkId: string, requestId?: string): Promise<GuestLinkDto> {
      authorize(ctx.actor, 'approvals:write')
      const found = await link(ctx, linkId, requestId)
      const row = await repo.revoke(ctx.actor.orgId, linkId, ctx.db)
      if (!row) return toGuestLinkDto(found.link)
      const dto = toGuestLinkDto(row)
      await record(ctx, { type: 'guest_link.revoked', subjectType: 'guest_link', subjectId: row.id, brandId: found.request.brandId, data: { requestId: row.requestId, contentItemId: found.request.contentItemId, guestLink: dto } })
      return dto
    }
  }
}
export type GuestLinksService = ReturnType<typeof createGuestLinksService>
