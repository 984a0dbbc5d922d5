import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, parseArgs, resolveNestedConnections } from '../../graphql/connection.js'
import { parseInput } from '../../graphql/input.js'
import { CommentListQuery, CreateCommentBody, UpdateCommentBody } from './comments.schemas.js'
import type { CommentsService } from './comments.service.js'

// GraphQL face of comments: the same service methods and zod schemas as REST.

const Id = z.uuid()

export function commentsResolvers (service: CommentsService): IResolvers {
  return {
    Query: {
      comment: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id))
    },
    Mutation: {
      createComment: async (_root, args, { ctx }) =>
        await service.create(ctx, parseArgs(Id, args.contentItemId), parseInput(CreateCommentBody, args.input ?? {})),
      updateComment: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseInput(UpdateCommentBody, args.input ?? {}), args.expectedVersion ?? undefined),
      deleteComment: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, args.expectedVersion ?? undefined)
        return id
      }
    }
  }
}

export function commentsLoaders (service: CommentsService): MercuriusLoaders {
  return {
    ContentItem: {
      // One statement for every item of the page (row_number() per item).
      comments: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(CommentListQuery, queries, (o) => o.id, async (q, ids) => await service.listForItems(ctx, ids, q)))
    }
  }
}
