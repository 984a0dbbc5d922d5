import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import { parseArgs, resolveConnection } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/public.js'
import { MemberListQuery, type MemberDto } from './members.schemas.js'
import type { MembersService } from './members.service.js'

export function membersResolvers (service: MembersService): IResolvers {
  return {
    Query: {
      member: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(z.uuid(), args.id)),
      members: async (_root, args, { ctx }, info) => await resolveConnection(MemberListQuery, args, async (q) => await service.list(ctx, q), info)
    }
  }
}

/** Member.brands for every member of a page in one query. */
export function membersLoaders (brands: BrandsService): MercuriusLoaders {
  return {
    Member: {
      brands: async (queries: Array<{ obj: MemberDto }>, { ctx }) => {
        const ids = [...new Set(queries.flatMap((q) => q.obj.brandIds ?? []))]
        const found = await brands.getMany(ctx, ids)
        const byId = new Map(found.filter((b) => b !== null).map((b) => [b!.id, b!]))
        return queries.map((q) => (q.obj.brandIds === null ? null : q.obj.brandIds.flatMap((id) => byId.get(id) ?? [])))
      }
    }
  }
}
