import type { IResolvers } from 'mercurius'
import { parseInput } from '../../graphql/input.js'
import { UpdateOrganizationBody } from './organizations.schemas.js'
import type { OrganizationsService } from './organizations.service.js'

export function organizationsResolvers (service: OrganizationsService): IResolvers {
  return {
    Mutation: {
      updateOrganization: async (_root, args, { ctx }) =>
        await service.update(ctx, parseInput(UpdateOrganizationBody, args.input), args.expectedVersion ?? undefined)
    }
  }
}
