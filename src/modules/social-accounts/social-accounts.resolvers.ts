import type { Ctx } from '../../lib/context.js'
import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import { connectionLoader, parseArgs, resolveConnection, resolveNestedConnections } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/public.js'
import { BrandSocialAccountsQuery, CreateSocialAccountBody, SocialAccountListQuery, UpdateSocialAccountBody, type SocialAccountDto } from './social-accounts.schemas.js'
import type { SocialAccountsService } from './social-accounts.service.js'
import type { LoaderQuery } from '../../graphql/batch.js'

const Id = z.uuid()

export function socialAccountsResolvers (service: SocialAccountsService): IResolvers {
  return {
    Query: {
      socialAccount: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      socialAccounts: async (_root, args, { ctx }, info) => await resolveConnection(SocialAccountListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Mutation: {
      createSocialAccount: async (_root, args, { ctx }) => await service.create(ctx, parseArgs(CreateSocialAccountBody, { ...args.input })),
      updateSocialAccount: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateSocialAccountBody, { ...args.input }), args.expectedVersion ?? undefined),
      deleteSocialAccount: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

/** Brand.socialAccounts (a page per brand, one statement) and SocialAccount.brand, batched. */
export function socialAccountsLoaders (service: SocialAccountsService, brands: BrandsService): MercuriusLoaders {
  return {
    Brand: {
      socialAccounts: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(BrandSocialAccountsQuery, queries, (o) => o.id, async (q, brandIds) => await service.listForBrands(ctx, brandIds, q)))
    },
    SocialAccount: {
      brand: async (queries: Array<{ obj: SocialAccountDto }>, { ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId))
    }
  }
}
