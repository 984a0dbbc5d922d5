import type { GuestGrant } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import { isClientStep } from '../approval-policies/public.js'
import type { CommentDto, CommentsService, GuestCommentInput } from '../comments/public.js'
import { normaliseMedia } from '../content-items/public.js'
import type { MediaItem } from '../../db/tables/content-items.js'
import type { RecordEvent } from '../events/public.js'
import type { TimelineService } from '../timeline/public.js'
import type { ApprovalRequestsService, DecisionInput, DecisionResultDto } from '../approval-requests/public.js'
import type { GuestReviewRepository } from './guest-review.repository.js'
import type { GuestReviewQueries } from './guest-review.queries.js'
import type { GuestReviewDto } from './guest-review.schemas.js'

// What a guest review link may do: view its one request's item as submitted, read and write
// shared comments, and (through the approvals module) decide at a client step. The guest
// actor has no permission at all, so everything here checks the link's grant instead, and
// reads only the request and item the link names.

/** How many of the newest comments and timeline entries the review page carries. */
export const GUEST_PAGE = 100
/** A view is recorded at most this often per link (the guest page may poll). */
const VIEW_EVENT_EVERY_MS = 10 * 60_000

interface SnapshotTarget { socialAccountId: string, platform: string | null, body: string | null, media: MediaItem[] | null, firstComment: string | null }
interface Snapshot {
  title: string
  kind: string
  body: string
  media: MediaItem[]
  link: string | null
  hashtags: string[]
  firstComment: string | null
  targets: SnapshotTarget[]
  scheduledAt: string | null
  scheduledLocal: string | null
  timeZone: string | null
}

export function guestGrant (ctx: Ctx): GuestGrant {
  const grant = ctx.actor.guest
  if (ctx.actor.kind !== 'guest' || !grant) throw new AppError('HERALD_FORBIDDEN', 'Only a guest review link may do this.')
  return grant
}

export interface GuestReviewDeps {
  repo: Pick<GuestReviewRepository, 'findLink'>
  queries: GuestReviewQueries
  comments: Pick<CommentsService, 'createAsGuest' | 'sharedForGuest'>
  timeline: Pick<TimelineService, 'forGuest'>
  /** The approvals module decides (its engine, locks and events); this only names the request. */
  approvals: Pick<ApprovalRequestsService, 'decide'>
  record: RecordEvent
}

export function createGuestReviewService (deps: GuestReviewDeps) {
  const { repo, queries, comments, timeline, approvals, record } = deps

  return {
    async view (ctx: Ctx): Promise<GuestReviewDto> {
      const grant = guestGrant(ctx)
      const orgId = ctx.actor.orgId
      const req = await queries.findRequest(orgId, grant.requestId, ctx.db)
      if (!req) throw notFound('Approval request')
      const item = await queries.itemAt(orgId, req.contentItemId, req.revision, ctx.db)
      if (!item?.snapshot) throw notFound('The revision under review')
      const snap = item.snapshot as unknown as Snapshot
      const accounts = new Map((await queries.accounts(orgId, snap.targets.map((t) => t.socialAccountId), ctx.db)).map((a) => [a.id, a]))
      const decisions = await queries.decisions(orgId, req.id, ctx.db)
      const current = req.steps[req.currentStep]
      const canDecide = req.status === 'open' && !!current && isClientStep(current) &&
        !decisions.some((d) => d.step === req.currentStep && d.actorType === 'guest' && d.actorId === grant.linkId)
      const shared = await comments.sharedForGuest(ctx, GUEST_PAGE)
      const history = await timeline.forGuest(ctx, GUEST_PAGE)

      // Seeing the revision is evidence the client saw exactly that version: audited, with the
      // guest's email, at most once per link every ten minutes.
      const last = await queries.lastViewedAt(orgId, req.id, grant.linkId, ctx.db)
      if (!last || Date.now() - last.getTime() >= VIEW_EVENT_EVERY_MS) {
        await record(ctx, { type: 'guest_review.viewed', subjectType: 'approval_request', subjectId: req.id, brandId: req.brandId, data: { linkId: grant.linkId, contentItemId: req.contentItemId, revision: req.revision } })
      }

      return {
        link: { id: grant.linkId, email: grant.email, expiresAt: iso(await linkExpiry(ctx, grant))! },
        request: {
          id: req.id,
          status: req.status,
          revision: req.revision,
          currentStep: req.currentStep,
          dueAt: iso(req.dueAt),
          createdAt: iso(req.createdAt)!,
          closedAt: iso(req.closedAt),
          steps: req.steps.map((s) => ({ name: s.name, mode: s.mode, clientStep: isClientStep(s) })),
          decisions: decisions.map((d) => {
            const step = req.steps[d.step]
            return {
              step: d.step,
              stepName: step?.name ?? null,
              decision: d.decision,
              comment: step && isClientStep(step) ? d.comment : null,
              // Only the guest's own decisions carry a label: the agency's people stay unnamed.
              actor: { type: d.actorType, label: d.actorType === 'guest' && d.actorId === grant.linkId ? d.actorLabel : null },
              createdAt: iso(d.createdAt)!
            }
          }),
          canDecide
        },
        contentItem: {
          id: item.id,
          status: item.status,
          currentRevision: item.revision,
          submitted: {
            title: snap.title,
            kind: snap.kind,
            body: snap.body,
            media: normaliseMedia(snap.media ?? []),
            link: snap.link ?? null,
            hashtags: snap.hashtags ?? [],
            firstComment: snap.firstComment ?? null,
            targets: (snap.targets ?? []).map((t) => {
              const a = accounts.get(t.socialAccountId)
              return {
                socialAccountId: t.socialAccountId,
                platform: a?.platform ?? t.platform ?? null,
                handle: a?.handle ?? null,
                displayName: a?.displayName ?? null,
                body: t.body ?? null,
                media: t.media ? normaliseMedia(t.media) : null,
                firstComment: t.firstComment ?? null
              }
            }),
            scheduledAt: snap.scheduledAt ?? null,
            scheduledLocal: snap.scheduledLocal ?? null,
            timeZone: snap.timeZone ?? null
          }
        },
        comments: shared.comments,
        commentsTruncated: shared.more,
        timeline: history.entries,
        timelineTruncated: history.more
      }
    },

    async comment (ctx: Ctx, input: GuestCommentInput): Promise<CommentDto> {
      guestGrant(ctx)
      return await comments.createAsGuest(ctx, input)
    },

    /**
     * The guest's decision on its own request, at a client step only (the engine refuses any
     * other step: 403 not_an_approver; twice: 409 already_decided; a closed request: 409).
     * Audited as approval.decided with the guest as actor (its email as label).
     */
    async decide (ctx: Ctx, input: DecisionInput, expected?: number | '*'): Promise<DecisionResultDto> {
      const grant = guestGrant(ctx)
      const result = await approvals.decide(ctx, grant.requestId, input, expected)
      // As on the review page: comments of decisions at internal steps stay internal.
      const internal = new Set(result.request.steps.filter((st) => !st.clientStep).map((st) => st.index))
      return { ...result, request: { ...result.request, decisions: result.request.decisions.map((d) => (internal.has(d.step) ? { ...d, comment: null } : d)) } }
    }
  }

  async function linkExpiry (ctx: Ctx, grant: GuestGrant): Promise<Date> {
    const row = await repo.findLink(ctx.actor.orgId, grant.linkId, ctx.db)
    if (!row) throw notFound('Guest link')
    return row.expiresAt
  }
}
export type GuestReviewService = ReturnType<typeof createGuestReviewService>
