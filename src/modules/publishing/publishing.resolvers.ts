import type { IResolvers, MercuriusLoaders } from 'mercurius'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import type { PublishingService } from './publishing.service.js'

// GraphQL: ContentItem.publications (each target's outcome), batched for a page of items.

export function publishingResolvers (_service: PublishingService): IResolvers {
  return {}
}

export function publishingLoaders (service: PublishingService): MercuriusLoaders {
  return {
    ContentItem: {
      publications: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) => {
        const ids = queries.map((q) => q.obj.id)
        const byItem = await service.forItems(ctx, [...new Set(ids)])
        return ids.map((id) => byItem.get(id) ?? [])
      }
    }
  }
}
