import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, parseArgs, resolveConnection, resolveNestedConnections } from '../../graphql/connection.js'
import { parseInput } from '../../graphql/input.js'
import type { BrandsService } from '../brands/public.js'
import type { ContentItemsService } from '../content-items/public.js'
import type { MembersService } from '../members/public.js'
import { ApprovalRequestListQuery, DecisionBody, ItemApprovalRequestsQuery, type ApprovalRequestDto, type ApprovalRequestStepDto } from './approval-requests.schemas.js'
import type { ApprovalRequestsService } from './approval-requests.service.js'

// GraphQL face of approval requests: the same service methods and zod schemas as REST. Every
// edge that crosses a table is a batched loader, so a page of items with their requests,
// decisions, approvers and content costs a fixed number of statements.

const Id = z.uuid()

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
        const latest = await service.latestForItems(ctx, [...new Set(queries.map((q) => q.obj.id))])
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
