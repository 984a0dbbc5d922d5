import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import { perParams, type LoaderQuery } from '../../graphql/batch.js'
import { pageQuery, parseArgs, toConnection } from '../../graphql/connection.js'
import { CommentListQuery, CreateCommentBody, UpdateCommentBody } from './comments.schemas.js'
import type { CommentsService } from './comments.service.js'

// GraphQL face of comments: the same service methods and zod schemas as REST.

const Id = z.uuid()

/** GraphQL sends omitted optional input fields as absent but explicit nulls as null. */
const dropNulls = (input: Record<string, unknown> | null | undefined) =>
  Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== null))

export function commentsResolvers (service: CommentsService): IResolvers {
  return {
    Query: {
      comment: async (_root, args, { ctx }) => await service.get(ctx, parseArgs(Id, args.id))
    },
    Mutation: {
      createComment: async (_root, args, { ctx }) =>
        await service.create(ctx, parseArgs(Id, args.contentItemId), parseArgs(CreateCommentBody, dropNulls(args.input))),
      updateComment: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateCommentBody, dropNulls(args.input)), args.expectedVersion ?? undefined),
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
      comments: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await service.listForItems(ctx, ids, parseArgs(CommentListQuery, pageQuery(params))))).map((page) => toConnection(page))
    }
  }
}
