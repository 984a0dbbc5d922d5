import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, parseArgs, resolveNestedConnections } from '../../graphql/connection.js'
import { BlackoutListQuery, CreateBlackoutBody } from './blackouts.schemas.js'
import type { BlackoutsService } from './blackouts.service.js'

const Id = z.uuid()

export function blackoutsResolvers (service: BlackoutsService): IResolvers {
  return {
    Mutation: {
      createBrandBlackout: async (_root, args, { ctx }) => {
        const { conflictingContentItemIds, ...blackout } = await service.create(ctx, parseArgs(Id, args.brandId), parseArgs(CreateBlackoutBody, args.input))
        return { blackout, conflictingContentItemIds }
      },
      deleteBrandBlackout: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, parseArgs(Id, args.brandId), id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

/** Brand.blackouts for a page of brands in one statement. */
export function blackoutsLoaders (service: BlackoutsService): MercuriusLoaders {
  return {
    Brand: {
      blackouts: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(BlackoutListQuery, queries, (o) => o.id, async (q, ids) => await service.listForBrands(ctx, ids, q)))
    }
  }
}
