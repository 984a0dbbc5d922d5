import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import { perParams, type LoaderQuery } from '../../graphql/batch.js'
import { parseArgs, pageQuery, resolveConnection, toConnection } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/brands.service.js'
import type { CampaignDto } from '../campaigns/campaigns.schemas.js'
import type { ApprovalPoliciesService } from './approval-policies.service.js'
import { ApprovalRequestListQuery, DecisionBody, ItemApprovalRequestsQuery, type ApprovalRequestDto, type ApprovalRequestStepDto } from './approval-requests.schemas.js'
import type { ApprovalRequestsService } from './approval-requests.service.js'
import type { ApprovalLookups } from './approval-lookups.js'

// GraphQL face of approval requests: the same service methods and zod schemas as REST. Every
// edge that crosses a table is a batched loader, so a page of items with their requests,
// decisions, approvers and content costs a fixed number of statements.

const Id = z.uuid()

/** GraphQL sends omitted optional arguments as absent and explicit nulls as null: both mean "not given". */
const given = (args: Record<string, unknown>) => Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null && v !== undefined))

export function approvalRequestsResolvers (service: ApprovalRequestsService): IResolvers {
  return {
    Query: {
      approvalRequest: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      approvalRequests: async (_root, args, { ctx }) => await resolveConnection(ApprovalRequestListQuery, given(args), async (q) => await service.list(ctx, q))
    },
    Mutation: {
      decideApprovalRequest: async (_root, args, { ctx }) =>
        await service.decide(ctx, parseArgs(Id, args.id), parseArgs(DecisionBody, given(args.input ?? {})), args.expectedVersion ?? undefined)
    }
  }
}

interface LoaderDeps {
  service: ApprovalRequestsService
  lookups: ApprovalLookups
  policies: Pick<ApprovalPoliciesService, 'getMany'>
  brands: Pick<BrandsService, 'getMany'>
}

export function approvalRequestsLoaders ({ service, lookups, policies, brands }: LoaderDeps): MercuriusLoaders {
  return {
    ContentItem: {
      approvalRequests: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await service.listForItems(ctx, ids, parseArgs(ItemApprovalRequestsQuery, pageQuery(params))))).map((page) => toConnection(page)),
      approval: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) => {
        const latest = await service.latestForItems(ctx, [...new Set(queries.map((q) => q.obj.id))])
        return queries.map((q) => latest.get(q.obj.id) ?? null)
      }
    },
    ApprovalRequest: {
      brand: async (queries: Array<LoaderQuery<ApprovalRequestDto>>, { ctx }: { ctx: Ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId)),
      contentItem: async (queries: Array<LoaderQuery<ApprovalRequestDto>>, { ctx }: { ctx: Ctx }) => await lookups.contentItems(ctx, queries.map((q) => q.obj.contentItemId))
    },
    ApprovalRequestStep: {
      eligibleApprovers: async (queries: Array<LoaderQuery<ApprovalRequestStepDto>>, { ctx }: { ctx: Ctx }) => {
        const found = await lookups.members(ctx, [...new Set(queries.flatMap((q) => q.obj.eligibleMemberIds))])
        if (!found) return queries.map(() => null)
        return queries.map((q) => q.obj.eligibleMemberIds.flatMap((id) => found.get(id) ?? []))
      }
    },
    Campaign: {
      approvalPolicy: async (queries: Array<LoaderQuery<CampaignDto>>, { ctx }: { ctx: Ctx }) => {
        const ids = [...new Set(queries.flatMap((q) => (q.obj.approvalPolicyId ? [q.obj.approvalPolicyId] : [])))]
        const found = ids.length ? await policies.getMany(ctx, ids) : []
        const byId = new Map(found.filter((p) => p !== null).map((p) => [p!.id, p!]))
        return queries.map((q) => (q.obj.approvalPolicyId ? byId.get(q.obj.approvalPolicyId) ?? null : null))
      }
    }
  }
}
