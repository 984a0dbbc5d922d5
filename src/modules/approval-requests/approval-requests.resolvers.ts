import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, parseArgs, resolveConnection, resolveNestedConnections, selectedFields, selectedUnder } from '../../graphql/connection.js'
import { parseInput } from '../../graphql/input.js'
import type { BrandsService } from '../brands/public.js'
import type { ContentItemsService } from '../content-items/public.js'
import type { MembersService } from '../members/public.js'
import { ApprovalRequestListQuery, DecisionBody, ItemApprovalRequestsQuery, type ApprovalRequestDto, type ApprovalRequestStepDto } from './approval-requests.schemas.js'
import type { ApprovalRequestsService } from './approval-requests.service.js'
import type { LatestReads, LightRequestColumn } from './approval-requests.repository.js'

// GraphQL face of approval requests: the same service methods and zod schemas as REST. Every
// edge that crosses a table is a batched loader, so a page of items with their requests,
// decisions, approvers and content costs a fixed number of statements.

const Id = z.uuid()

/** ApprovalRequest fields a light read answers (approval-requests.repository.ts LIGHT_COLUMNS, and loaders keyed on them). */
const LIGHT_FIELDS = new Set(['__typename', 'id', 'brandId', 'brand', 'contentItemId', 'contentItem', 'revision', 'policyId', 'policyName',
  'status', 'currentStep', 'steps', 'decisions', 'dueAt', 'overdue', 'version'])

/** The light columns an ApprovalRequest field reads (the id, brand and item are always read). */
const COLUMNS_OF: Partial<Record<string, readonly LightRequestColumn[]>> = {
  revision: ['revision'],
  policyId: ['policyId'],
  policyName: ['policyName'],
  status: ['status'],
  currentStep: ['currentStep'],
  // A step's status follows the request's status and current step; its approvers, the decisions.
  steps: ['steps', 'currentStep', 'status'],
  dueAt: ['dueAt'],
  overdue: ['status', 'dueAt'],
  version: ['version']
}

/** Decision fields a brief decision answers (no comment, no actor, no step name: those need the actor columns or the steps). */
const BRIEF_DECISION_FIELDS = new Set(['__typename', 'id', 'requestId', 'step', 'decision', 'createdAt'])

/**
 * What ContentItem.approval reads for a batch, from what its queries select: the decisions only
 * for decisions or steps (brief when only their id, step, decision and time are asked), the
 * actor and timestamps only when asked, and of the other columns those the fields read. A
 * query without its selection at hand reads everything.
 */
function readsFor (queries: ReadonlyArray<LoaderQuery<unknown>>): LatestReads {
  const asked = new Set<string>()
  const decisionFields = new Set<string>()
  const walked = new Set<ReadonlySet<string>>()
  for (const q of queries) {
    if (!q.info) return { decisions: true, light: false }
    const fields = selectedFields(q.info)
    if (walked.has(fields)) continue
    walked.add(fields)
    for (const f of fields) asked.add(f)
    if (fields.has('decisions')) for (const f of selectedUnder(q.info, 'decisions')) decisionFields.add(f)
  }
  const light = [...asked].every((f) => LIGHT_FIELDS.has(f))
  const brief = [...decisionFields].every((f) => BRIEF_DECISION_FIELDS.has(f))
  const decisions = asked.has('steps') || (asked.has('decisions') && !brief) ? true : asked.has('decisions') ? 'brief' as const : false
  if (!light) return { decisions, light }
  // A decision's step name and its comment's visibility come from the request's steps.
  const columns = new Set([...asked].flatMap((f) => COLUMNS_OF[f] ?? []))
  if (decisionFields.has('stepName') || decisionFields.has('comment')) columns.add('steps')
  return { decisions, light, columns: [...columns].sort() }
}

export function approvalRequestsResolvers (service: ApprovalRequestsService): IResolvers {
  return {
    Query: {
      approvalRequest: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      approvalRequests: async (_root, args, { ctx }, info) => await resolveConnection(ApprovalRequestListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Mutation: {
      decideApprovalRequest: async (_root, args, { ctx }) =>
        await service.decide(ctx, parseArgs(Id, args.id), parseInput(DecisionBody, args.input ?? {}), args.expectedVersion ?? undefined)
    }
  }
}

interface LoaderDeps {
  service: ApprovalRequestsService
  content: Pick<ContentItemsService, 'nodesById'>
  members: Pick<MembersService, 'readable'>
  brands: Pick<BrandsService, 'getMany'>
}

export function approvalRequestsLoaders ({ service, content, members, brands }: LoaderDeps): MercuriusLoaders {
  return {
    ContentItem: {
      approvalRequests: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(ItemApprovalRequestsQuery, queries, (o) => o.id, async (q, ids) => await service.listForItems(ctx, ids, q))),
      approval: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) => {
        const latest = await service.latestForItems(ctx, [...new Set(queries.map((q) => q.obj.id))], readsFor(queries))
        return queries.map((q) => latest.get(q.obj.id) ?? null)
      }
    },
    ApprovalRequest: {
      brand: async (queries: Array<LoaderQuery<ApprovalRequestDto>>, { ctx }: { ctx: Ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId)),
      contentItem: async (queries: Array<LoaderQuery<ApprovalRequestDto>>, { ctx }: { ctx: Ctx }) => await content.nodesById(ctx, queries.map((q) => q.obj.contentItemId))
    },
    ApprovalRequestStep: {
      eligibleApprovers: async (queries: Array<LoaderQuery<ApprovalRequestStepDto>>, { ctx }: { ctx: Ctx }) => {
        const found = await members.readable(ctx, [...new Set(queries.flatMap((q) => q.obj.eligibleMemberIds))])
        if (!found) return queries.map(() => null)
        return queries.map((q) => q.obj.eligibleMemberIds.flatMap((id) => found.get(id) ?? []))
      }
    }
  }
}
