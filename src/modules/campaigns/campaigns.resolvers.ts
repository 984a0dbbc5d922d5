import type { Ctx } from '../../lib/context.js'
import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, parseArgs, resolveConnection, resolveNestedConnections } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/public.js'
import type { SocialAccountsService } from '../social-accounts/public.js'
import { BrandCampaignsQuery, CampaignListQuery, CreateCampaignBody, UpdateCampaignBody, type CampaignDto } from './campaigns.schemas.js'
import type { CampaignsService } from './campaigns.service.js'

const Id = z.uuid()

export function campaignsResolvers (service: CampaignsService): IResolvers {
  return {
    Query: {
      campaign: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      campaigns: async (_root, args, { ctx }, info) => await resolveConnection(CampaignListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Mutation: {
      createCampaign: async (_root, args, { ctx }) => await service.create(ctx, parseArgs(CreateCampaignBody, { ...args.input })),
      updateCampaign: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateCampaignBody, { ...args.input }), args.expectedVersion ?? undefined),
      deleteCampaign: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

/** Every edge out of a campaign, and Brand.campaigns, batched: one statement per edge per query. */
export function campaignsLoaders (service: CampaignsService, socialAccounts: SocialAccountsService, brands: BrandsService): MercuriusLoaders {
  return {
    Brand: {
      campaigns: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(BrandCampaignsQuery, queries, (o) => o.id, async (q, brandIds) => await service.listForBrands(ctx, brandIds, q)))
    },
    Campaign: {
      channels: async (queries: Array<{ obj: CampaignDto }>, { ctx }) => {
        const found = await socialAccounts.getMany(ctx, [...new Set(queries.flatMap((q) => q.obj.channelIds))])
        const byId = new Map(found.filter((a) => a !== null).map((a) => [a!.id, a!]))
        return queries.map((q) => q.obj.channelIds.flatMap((id) => byId.get(id) ?? []))
      },
      owner: async (queries: Array<{ obj: CampaignDto }>, { ctx }) => await service.owners(ctx, queries.map((q) => q.obj.ownerId)),
      brand: async (queries: Array<{ obj: CampaignDto }>, { ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId))
    }
  }
}
