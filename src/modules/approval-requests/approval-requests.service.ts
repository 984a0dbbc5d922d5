import { together } from '../../lib/together.js'
import { actorRef, authorize, canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError, isUniqueViolation, notFound } from '../../lib/errors.js'
import { checkVersion, preconditionFailed } from '../../lib/etag.js'
import { iso } from '../../lib/http.js'
import { emptyPage, type Page } from '../../lib/pagination.js'
import type { RecordEvent } from '../events/public.js'
import { samePublishableSnapshots, type ContentItemDto, type ContentStatus } from '../content-items/public.js'
import { approvalStands, decide as decideStep, refusalError, type DeciderActor, type RequestState } from './approval-engine.js'
import type { ApprovalRequestRow, ApprovalRequestsRepository, LatestReads } from './approval-requests.repository.js'
import type { ApprovalRequestsQueries } from './approval-requests.queries.js'
import { ApprovalRequestNode, toDecisionDto, toRequestDtos } from './approval-requests.dto.js'
import { showsLabels } from '../../lib/visibility.js'
import {
  DecisionBody, type ApprovalRequestDto, type ApprovalRequestListQuery, type ContentApprovalDto, type DecisionInput, type DecisionResultDto, type ItemApprovalRequestsQuery
} from './approval-requests.schemas.js'

// Approval requests: reading them (members with approvals:read, clients only their brands,
// guests only their own) and deciding them. Who may decide is the engine's answer
// (approval-engine.ts); this service loads the state under locks, asks, and writes exactly
// what it answers, with the content move and the events, in the caller's transaction.

export interface ApprovalRequestsDeps {
  repo: ApprovalRequestsRepository
  queries: Pick<ApprovalRequestsQueries, 'lockItem' | 'itemSummary' | 'approvalSnapshots'>
  /** The content module's door for status moves (app.contentItems.transition). */
  transition: (ctx: Ctx, id: string, to: ContentStatus, reason: string) => Promise<ContentItemDto>
  record: RecordEvent
}

/** Callers other than the routes (guest review) may pass raw input: the same rules apply. */
function parseDecision (input: DecisionInput) {
  const parsed = DecisionBody.safeParse(input)
  if (parsed.success) return parsed.data
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('/') || '(body)', message: i.message }))
  throw new AppError('HERALD_VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors })
}

const REASONS: Record<string, string> = { approved: 'approved', changes_requested: 'changes_requested', draft: 'rejected' }

export function createApprovalRequestsService (deps: ApprovalRequestsDeps) {
  const { repo, queries, transition, record } = deps

  async function dtos (ctx: Ctx, rows: readonly ApprovalRequestRow[]): Promise<ApprovalRequestDto[]> {
    const decisions = await repo.decisionsFor(ctx.actor.orgId, rows.map((r) => r.id), ctx.db)
    return toRequestDtos(rows, decisions, showsLabels(ctx.actor))
  }
  const dto = async (ctx: Ctx, row: ApprovalRequestRow) => (await dtos(ctx, [row]))[0]

  /** A request the caller may see: a member or key with approvals:read and the brand, or its own guest. */
  async function visible (ctx: Ctx, id: string, opts: { lock?: true } = {}): Promise<ApprovalRequestRow> {
    if (ctx.actor.kind === 'guest') {
      if (ctx.actor.guest?.requestId !== id) throw notFound('Approval request')
    } else {
      authorize(ctx.actor, 'approvals:read')
    }
    const row = await repo.findById(ctx.actor.orgId, id, ctx.db, opts)
    if (!row || !canSeeBrand(ctx.actor, row.brandId)) throw notFound('Approval request')
    return row
  }

  /** A visible request as its reply: the request and its decisions read in one round trip. */
  async function visibleDto (ctx: Ctx, id: string): Promise<ApprovalRequestDto> {
    const [row, decisions] = await together(visible(ctx, id), repo.decisionsFor(ctx.actor.orgId, [id], ctx.db))
    return toRequestDtos([row], decisions, showsLabels(ctx.actor))[0]
  }

  return {
    /**
     * For approvals given in advance (a crisis playbook's pre-approved holding statement): an
     * approval request bound to the item's current revision, approved at once with no step to
     * collect decisions and named after its source, then the item moved draft → in_review →
     * approved through the content door, with content_item.approved saying where the approval
     * came from. The caller authorizes the actor for its own purpose (crisis: incidents:write).
     */
    async preApprove (ctx: Ctx, item: ContentItemDto, source: { name: string, reference: Record<string, unknown> }): Promise<ContentItemDto> {
      const actor = actorRef(ctx.actor)
      const row = await repo.insert(ctx.actor.orgId, {
        brandId: item.brandId,
        contentItemId: item.id,
        revision: item.revision,
        policyId: null,
        policyName: source.name,
        steps: [],
        currentStep: 0,
        status: 'approved',
        submittedByType: actor.type,
        submittedById: actor.id,
        submittedByLabel: actor.label,
        closedAt: new Date()
      }, ctx.db)
      await transition(ctx, item.id, 'in_review', `pre-approved: ${source.name}`)
      const approved = await transition(ctx, item.id, 'approved', `pre-approved: ${source.name}`)
      await record(ctx, {
        type: 'content_item.approved',
        subjectType: 'content_item',
        subjectId: item.id,
        brandId: item.brandId,
        data: { requestId: row.id, contentItemId: item.id, revision: item.revision, steps: 0, preApproved: true, source: source.name, ...source.reference }
      })
      return approved
    },

    /**
     * For the overdue scan (a system actor in the tenant): marks these requests as announced
     * and records approval_request.overdue for each it marked, in one transaction. Requests
     * are marked by one transaction only (see markOverdue), so each is announced once, even
     * when several scans overlap or one crashes half-way. Returns the ids it announced.
     */
    async announceOverdue (ctx: Ctx, ids: readonly string[]): Promise<string[]> {
      const marked = await repo.markOverdue(ctx.actor.orgId, ids, ctx.db)
      for (const r of marked) {
        const step = r.steps[r.currentStep]
        await record(ctx, {
          type: 'approval_request.overdue',
          subjectType: 'approval_request',
          subjectId: r.id,
          brandId: r.brandId,
          data: { requestId: r.id, contentItemId: r.contentItemId, revision: r.revision, dueAt: iso(r.dueAt), currentStep: r.currentStep, stepName: step?.name ?? null }
        })
      }
      return marked.map((r) => r.id)
    },

    async list (ctx: Ctx, q: ApprovalRequestListQuery): Promise<Page<ApprovalRequestDto>> {
      authorize(ctx.actor, 'approvals:read')
      if (q.brandId && !canSeeBrand(ctx.actor, q.brandId)) return emptyPage(q)
      const page = await repo.list(ctx.actor.orgId, q, ctx.actor.brandIds, ctx.db)
      // The page's decisions came with it, in its one statement (beside the total, if asked).
      return { ...page, data: toRequestDtos(page.data, page.data.flatMap((r) => r.decisions), showsLabels(ctx.actor)) }
    },

    async get (ctx: Ctx, id: string): Promise<ApprovalRequestDto> {
      if (ctx.actor.kind === 'guest') throw notFound('Approval request')
      return await visibleDto(ctx, id)
    },

    /** For guest review: the guest's own request, nothing else (404 for any other id). */
    async getForGuest (ctx: Ctx, requestId: string): Promise<ApprovalRequestDto> {
      if (ctx.actor.kind !== 'guest') throw notFound('Approval request')
      return await visibleDto(ctx, requestId)
    },

    /** Batched read for GraphQL; unknown or ungranted ids come back as null. */
    async getMany (ctx: Ctx, ids: readonly string[]): Promise<Array<ApprovalRequestDto | null>> {
      authorize(ctx.actor, 'approvals:read')
      const rows = (await repo.findByIds(ctx.actor.orgId, [...new Set(ids)], ctx.db)).filter((r) => canSeeBrand(ctx.actor, r.brandId))
      const byId = new Map((await dtos(ctx, rows)).map((d) => [d.id, d]))
      return ids.map((id) => byId.get(id) ?? null)
    },

    /** ContentItem.approvalRequests for a page of (already visible) items: two statements. */
    async listForItems (ctx: Ctx, itemIds: readonly string[], q: ItemApprovalRequestsQuery): Promise<Map<string, Page<ApprovalRequestDto>>> {
      authorize(ctx.actor, 'approvals:read')
      const pages = await repo.perItem(ctx.actor.orgId, itemIds, q, ctx.db)
      const all = new Map((await dtos(ctx, [...pages.values()].flatMap((p) => p.data))).map((d) => [d.id, d]))
      return new Map([...pages].map(([id, page]) => [id, { ...page, data: page.data.map((r) => all.get(r.id)!) }]))
    },

    /** ContentItem.approval for a page of items: each one's latest request with its decisions (one statement), as GraphQL nodes that build only the fields a query reads (ApprovalRequestNode). */
    async latestForItems (ctx: Ctx, itemIds: readonly string[], reads?: LatestReads): Promise<Map<string, ApprovalRequestDto>> {
      authorize(ctx.actor, 'approvals:read')
      const latest = (await repo.latestWithDecisions(ctx.actor.orgId, itemIds, ctx.db, reads)).filter((l) => canSeeBrand(ctx.actor, l.row.brandId))
      const show = showsLabels(ctx.actor)
      const now = Date.now()
      // GraphQL reads these field by field: what the query does not ask is never built.
      return new Map(latest.map(({ row, decisions, brief }) => [row.contentItemId, new ApprovalRequestNode(row, decisions, show, now, brief)]))
    },

    /** GET /v1/content-items/{id}/approval: the latest request and whether it approves the content as it is. */
    async approvalOf (ctx: Ctx, itemId: string): Promise<ContentApprovalDto> {
      authorize(ctx.actor, 'approvals:read')
      // One round trip: the item, its latest request with its decisions, and the snapshots of
      // the two revisions that say whether the approval still stands (approvalStands, as the transition guards decide).
      const { orgId } = ctx.actor
      const [item, [latest], snapshots] = await together(
        queries.itemSummary(orgId, itemId, ctx.db),
        repo.latestWithDecisions(orgId, [itemId], ctx.db),
        queries.approvalSnapshots(orgId, itemId, ctx.db))
      if (!item || !canSeeBrand(ctx.actor, item.brandId)) throw notFound('Content item')
      return {
        contentItemId: item.id,
        currentRevision: item.revision,
        approved: await approvalStands(latest?.row, item.revision, (a, b) => samePublishableSnapshots(snapshots.get(a), snapshots.get(b))),
        approvedRevision: latest?.row.status === 'approved' ? latest.row.revision : null,
        request: latest ? toRequestDtos([latest.row], latest.decisions, showsLabels(ctx.actor))[0] : null
      }
    },

    /**
     * Records a decision at the request's current step and applies what the engine answers:
     * the next step; or, at the last step, the request approved and the content approved;
     * request_changes → changes_requested; reject → rejected and the content back to draft.
     * For members (deciding needs no approvals:write: the engine says who decides) and for
     * guests holding a review link for this request (client steps only); API keys never decide.
     * The item's row is locked first, then the request's, so concurrent decisions, and a
     * decision racing an edit, run one after the other and each sees the other's result.
     */
    async decide (ctx: Ctx, requestId: string, input: DecisionInput, expected?: number | '*'): Promise<DecisionResultDto> {
      const body = parseDecision(input)
      if (ctx.actor.kind === 'api_key') {
        throw new AppError('HERALD_USER_REQUIRED', 'Approval decisions are made by people; API keys cannot decide.', { extra: { reason: 'api_key' } })
      }
      const peek = await visible(ctx, requestId)
      const item = await queries.lockItem(ctx.actor.orgId, peek.contentItemId, ctx.db)
      const row = await repo.findById(ctx.actor.orgId, requestId, ctx.db, { lock: true })
      if (!item || !row) throw notFound('Approval request')
      checkVersion(expected, row.version)
      const decisions = await repo.decisionsFor(ctx.actor.orgId, [row.id], ctx.db)
      const state: RequestState = {
        status: row.status,
        currentStep: row.currentStep,
        steps: row.steps,
        decisions: decisions.map((d) => ({ step: d.step, decision: d.decision, actorType: d.actorType as DeciderActor['kind'], actorId: d.actorId })),
        brandId: row.brandId,
        authorId: item.createdById
      }
      const decider: DeciderActor = ctx.actor.kind === 'guest'
        ? { kind: 'guest', id: ctx.actor.id }
        : { kind: 'member', id: ctx.actor.id, role: ctx.actor.role!, brandIds: ctx.actor.brandIds }
      const result = decideStep(state, decider, body.decision)
      if (!result.ok) throw refusalError(result.refusal)
      const outcome = result.outcome
      if (item.status !== 'in_review') {
        // Cannot happen while the hooks hold (an item leaving review closes its request); refuse rather than guess.
        throw new AppError('HERALD_CONFLICT', `The content item is ${item.status}, not in review; this request takes no decisions.`, { extra: { reason: 'request_closed' } })
      }

      let decisionRow
      try {
        decisionRow = await repo.insertDecision(ctx.actor.orgId, {
          requestId: row.id, step: outcome.record.step, decision: body.decision, comment: body.comment ?? null, actorType: decider.kind, actorId: ctx.actor.id, actorLabel: ctx.actor.label
        }, ctx.db)
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('HERALD_CONFLICT', 'You have already decided at this step.', { extra: { reason: 'already_decided' } })
        throw err
      }
      const updated = await repo.update(ctx.actor.orgId, row.id, row.version, { status: outcome.status, currentStep: outcome.currentStep, closed: outcome.closed }, ctx.db)
      if (!updated) throw preconditionFailed(row.version + 1)

      const common = { requestId: row.id, contentItemId: row.contentItemId, revision: row.revision }
      for (const e of outcome.events.filter((e) => e.type === 'approval.decided')) {
        await record(ctx, { type: e.type, subjectType: 'approval_request', subjectId: row.id, brandId: row.brandId, data: { ...common, ...e.data, comment: body.comment ?? null } })
      }
      if (outcome.contentStatus) await transition(ctx, row.contentItemId, outcome.contentStatus, REASONS[outcome.contentStatus])
      for (const e of outcome.events.filter((e) => e.type !== 'approval.decided')) {
        await record(ctx, { type: e.type, subjectType: 'content_item', subjectId: row.contentItemId, brandId: row.brandId, data: { ...common, ...e.data, comment: body.comment ?? null } })
      }
      const show = showsLabels(ctx.actor)
      return { decision: toDecisionDto(decisionRow, row.steps[decisionRow.step], show), request: await dto(ctx, updated) }
    },
  }
}
export type ApprovalRequestsService = ReturnType<typeof createApprovalRequestsService>
