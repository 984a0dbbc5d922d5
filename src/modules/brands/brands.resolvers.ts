import type { IResolvers } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import { parseInput } from '../../graphql/input.js'
import { BrandListQuery, CreateBrandBody, UpdateBrandBody } from './brands.schemas.js'
import type { BrandsService } from './brands.service.js'

const Id = z.uuid()

export function brandsResolvers (service: BrandsService): IResolvers {
  return {
    Query: {
      brand: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id)),
      brands: async (_root, args, { ctx }, info) => await resolveConnection(BrandListQuery, args, async (q) => await service.list(ctx, q), info)
    },
    Mutation: {
      createBrand: async (_root, args, { ctx }) => await service.create(ctx, parseInput(CreateBrandBody, args.input)),
      updateBrand: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseInput(UpdateBrandBody, args.input), args.expectedVersion ?? undefined),
      deleteBrand: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}
