import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import { perParams, type LoaderQuery } from '../../graphql/batch.js'
import { parseArgs, pageQuery, toConnection } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/brands.service.js'
import type { SocialAccountsService } from '../social-accounts/social-accounts.service.js'
import { CalendarQuery, type ContentCalendar } from './content-calendar.js'
import { parseBulkJson } from './content-bulk.js'
import { ContentItemListQuery, CreateContentItemBody, NestedContentQuery, ScheduleBody, SubmitBody, UpdateContentItemBody } from './content-items.schemas.js'
import type { ContentItemNode, ContentItemsService } from './content-items.service.js'
import type { TargetDto } from './content-items.schemas.js'
import type { ContentActions } from './content-actions.js'
import { RevisionListQuery } from './content-revisions.schemas.js'
import type { ContentRevisionsService } from './content-revisions.service.js'

// GraphQL face of content items: the same service methods and zod schemas as REST. Fields
// that cross a table (targets, revisions, brand, Brand.contentItems) are batched loaders.

const Id = z.uuid()
const RevisionNumber = z.number().int().min(1)

/** Omitted optional input fields are absent, explicit nulls are null: drop those null means nothing for. */
const dropNulls = (input: Record<string, unknown> | null | undefined, keep: readonly string[] = []) =>
  Object.fromEntries(Object.entries(input ?? {}).filter(([k, v]) => v !== null || keep.includes(k)))

/** In an update, null clears these; for the other fields it means "not given". */
const CLEARABLE = ['campaignId', 'link', 'firstComment', 'assigneeId', 'scheduledAt', 'scheduledLocal']

const version = (args: { expectedVersion?: number | null }) => args.expectedVersion ?? undefined

interface Deps { service: ContentItemsService, actions: ContentActions, revisions: ContentRevisionsService, calendar: ContentCalendar }

export function contentItemsResolvers ({ service, actions, revisions, calendar }: Deps): IResolvers {
  return {
    Query: {
      contentItem: async (_root, args, { ctx }) => await service.getNode(ctx, parseArgs(Id, args.id)),
      contentItems: async (_root, args, { ctx }) => toConnection(await service.listNodes(ctx, parseArgs(ContentItemListQuery, pageQuery(args)))),
      contentItemRevision: async (_root, args, { ctx }) => await revisions.get(ctx, parseArgs(Id, args.id), parseArgs(RevisionNumber, args.revision)),
      contentItemRevisionDiff: async (_root, args, { ctx }) => {
        const diff = await revisions.compare(ctx, parseArgs(Id, args.id), parseArgs(RevisionNumber, args.from), parseArgs(RevisionNumber, args.to))
        return { ...diff, changes: diff.changes.map((c) => ({ path: c.path, before: JSON.stringify(c.before), after: JSON.stringify(c.after) })) }
      },
      calendar: async (_root, args, { ctx }) => await calendar.calendar(ctx, parseArgs(CalendarQuery, dropNulls(args)))
    },
    Mutation: {
      createContentItem: async (_root, args, { ctx }) => await service.create(ctx, parseArgs(CreateContentItemBody, dropNulls(args.input, ['campaignId', 'assigneeId']))),
      bulkCreateContentItems: async (_root, args, { ctx }) =>
        await service.bulkCreate(ctx, parseBulkJson({ items: (args.items as Array<Record<string, unknown>>).map((i) => dropNulls(i, ['campaignId', 'assigneeId'])) })),
      updateContentItem: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseArgs(UpdateContentItemBody, dropNulls(args.input, CLEARABLE)), version(args)),
      deleteContentItem: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, version(args))
        return id
      },
      submitContentItem: async (_root, args, { ctx }) => await actions.submit(ctx, parseArgs(Id, args.id), parseArgs(SubmitBody, dropNulls({ dueAt: args.dueAt })), version(args)),
      scheduleContentItem: async (_root, args, { ctx }) => await actions.schedule(ctx, parseArgs(Id, args.id), parseArgs(ScheduleBody, dropNulls(args.input)), version(args)),
      unscheduleContentItem: async (_root, args, { ctx }) => await actions.unschedule(ctx, parseArgs(Id, args.id), version(args)),
      archiveContentItem: async (_root, args, { ctx }) => await actions.archive(ctx, parseArgs(Id, args.id), version(args)),
      restoreContentItem: async (_root, args, { ctx }) => await actions.restore(ctx, parseArgs(Id, args.id), version(args))
    }
  }
}

interface LoaderDeps {
  service: ContentItemsService
  revisions: ContentRevisionsService
  brands: Pick<BrandsService, 'getMany'>
  socialAccounts: Pick<SocialAccountsService, 'getMany'>
}

export function contentItemsLoaders ({ service, revisions, brands, socialAccounts }: LoaderDeps): MercuriusLoaders {
  return {
    ContentItem: {
      targets: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) => {
        const missing = queries.filter((q) => !q.obj.targets).map((q) => q.obj.id)
        const loaded = missing.length ? await service.targetsOf(ctx, missing) : new Map()
        return queries.map((q) => q.obj.targets ?? loaded.get(q.obj.id) ?? [])
      },
      revisions: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await revisions.listForItems(ctx, ids, parseArgs(RevisionListQuery, pageQuery(params))))).map((page) => toConnection(page)),
      brand: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId))
    },
    ContentTarget: {
      socialAccount: async (queries: Array<LoaderQuery<TargetDto>>, { ctx }: { ctx: Ctx }) => await socialAccounts.getMany(ctx, queries.map((q) => q.obj.socialAccountId))
    },
    Campaign: {
      contentItems: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await service.listForCampaigns(ctx, ids, parseArgs(NestedContentQuery, pageQuery(params))))).map((page) => toConnection(page))
    },
    Brand: {
      contentItems: async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        (await perParams(queries, (o) => o.id, async (params, ids) => await service.listForBrands(ctx, ids, parseArgs(NestedContentQuery, pageQuery(params))))).map((page) => toConnection(page))
    }
  }
}
