import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import { parseArgs, pageQuery, toConnection } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/brands.service.js'
import { BrandSocialAccountsQuery, CreateSocialAccountBody, SocialAccountListQuery, UpdateSocialAccountBody, type SocialAccountDto } from './social-accounts.schemas.js'
import type { SocialAccountsService } from './social-accounts.service.js'
import { perParams, type LoaderQuery } from '../../graphql/batch.js'

const Id = z.uuid()

export function socialAccountsResolvers (service: SocialAccountsService): IResolvers {
  return {
    Query: {
      socialAccount: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      socialAccounts: async (_root, args, { ctx }) => toConnection(await service.list(ctx, parseArgs(SocialAccountListQuery, pageQuery(args))))
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
      socialAccounts: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, brandIds) =>
          await service.listForBrands(ctx, brandIds, parseArgs(BrandSocialAccountsQuery, pageQuery(params))))).map((page) => toConnection(page))
    },
    SocialAccount: {
      brand: async (queries: Array<{ obj: SocialAccountDto }>, { ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId))
    }
  }
}
