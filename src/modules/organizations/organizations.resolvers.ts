import type { IResolvers } from 'mercurius'
import { parseArgs } from '../../graphql/connection.js'
import { stripNulls } from '../brands/brands.resolvers.js'
import { UpdateOrganizationBody } from './organizations.schemas.js'
import type { OrganizationsService } from './organizations.service.js'

export function organizationsResolvers (service: OrganizationsService): IResolvers {
  return {
    Mutation: {
      updateOrganization: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(UpdateOrganizationBody, stripNulls(args.input)), args.expectedVersion ?? undefined)
    }
  }
}
