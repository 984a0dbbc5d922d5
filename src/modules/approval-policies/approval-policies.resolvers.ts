import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { parseInput } from '../../graphql/input.js'
import type { BrandsService } from '../brands/public.js'
import type { Ctx } from '../../lib/context.js'
import { ApprovalPolicyListQuery, CreateApprovalPolicyBody, UpdateApprovalPolicyBody, type ApprovalPolicyDto } from './approval-policies.schemas.js'
import type { ApprovalPoliciesService } from './approval-policies.service.js'

const Id = z.uuid()

export function approvalPoliciesResolvers (service: ApprovalPoliciesService): IResolvers {
  return {
    Query: {
      approvalPolicy: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      approvalPolicies: async (_root, args, { ctx }, info) => await resolveConnection(ApprovalPolicyListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Mutation: {
      createApprovalPolicy: async (_root, args, { ctx }) => await service.create(ctx, parseInput(CreateApprovalPolicyBody, args.input)),
      updateApprovalPolicy: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseInput(UpdateApprovalPolicyBody, args.input), args.expectedVersion ?? undefined),
      deleteApprovalPolicy: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

/** Brand.approvalPolicy, Campaign.approvalPolicy and ApprovalPolicy.brand: one query per page of parents. */
export function approvalPoliciesLoaders (service: ApprovalPoliciesService, brands: BrandsService): MercuriusLoaders {
  /** The policy a brand or a campaign names (null when it names none, or it is not visible). */
  const policyOf = async (queries: Array<{ obj: { approvalPolicyId: string | null } }>, { ctx }: { ctx: Ctx }) => {
    const ids = [...new Set(queries.flatMap((q) => (q.obj.approvalPolicyId ? [q.obj.approvalPolicyId] : [])))]
    const found = ids.length ? await service.getMany(ctx, ids) : []
    const byId = new Map(found.filter((p) => p !== null).map((p) => [p!.id, p!]))
    return queries.map((q) => (q.obj.approvalPolicyId ? byId.get(q.obj.approvalPolicyId) ?? null : null))
  }
  return {
    Brand: { approvalPolicy: policyOf },
    Campaign: { approvalPolicy: policyOf },
    ApprovalPolicy: {
      brand: async (queries: Array<{ obj: ApprovalPolicyDto }>, { ctx }) => {
        const found = await brands.getMany(ctx, [...new Set(queries.map((q) => q.obj.brandId))])
        const byId = new Map(found.filter((b) => b !== null).map((b) => [b!.id, b!]))
        return queries.map((q) => byId.get(q.obj.brandId) ?? null)
      }
    }
  }
}
