import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import { parseArgs, pageQuery, toConnection } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/brands.service.js'
import { ApprovalPolicyListQuery, CreateApprovalPolicyBody, UpdateApprovalPolicyBody, type ApprovalPolicyDto } from './approval-policies.schemas.js'
import type { ApprovalPoliciesService } from './approval-policies.service.js'

const Id = z.uuid()

/** GraphQL sends an omitted optional field as absent and an explicit null as null; treat both as absent. */
function withoutNulls (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]))
  }
  return value
}

export function approvalPoliciesResolvers (service: ApprovalPoliciesService): IResolvers {
  return {
    Query: {
      approvalPolicy: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      approvalPolicies: async (_root, args, { ctx }) => toConnection(await service.list(ctx, parseArgs(ApprovalPolicyListQuery, pageQuery(args))))
    },
    Mutation: {
      createApprovalPolicy: async (_root, args, { ctx }) => await service.create(ctx, parseArgs(CreateApprovalPolicyBody, withoutNulls(args.input))),
      updateApprovalPolicy: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateApprovalPolicyBody, withoutNulls(args.input)), args.expectedVersion ?? undefined),
      deleteApprovalPolicy: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

/** Brand.approvalPolicy and ApprovalPolicy.brand: one query per page of parents. */
export function approvalPoliciesLoaders (service: ApprovalPoliciesService, brands: BrandsService): MercuriusLoaders {
  return {
    Brand: {
      approvalPolicy: async (queries: Array<{ obj: { approvalPolicyId: string | null } }>, { ctx }) => {
        const ids = [...new Set(queries.flatMap((q) => (q.obj.approvalPolicyId ? [q.obj.approvalPolicyId] : [])))]
        const found = ids.length ? await service.getMany(ctx, ids) : []
        const byId = new Map(found.filter((p) => p !== null).map((p) => [p!.id, p!]))
        return queries.map((q) => (q.obj.approvalPolicyId ? byId.get(q.obj.approvalPolicyId) ?? null : null))
      }
    },
    ApprovalPolicy: {
      brand: async (queries: Array<{ obj: ApprovalPolicyDto }>, { ctx }) => {
        const found = await brands.getMany(ctx, [...new Set(queries.map((q) => q.obj.brandId))])
        const byId = new Map(found.filter((b) => b !== null).map((b) => [b!.id, b!]))
        return queries.map((q) => byId.get(q.obj.brandId) ?? null)
      }
    }
  }
}
