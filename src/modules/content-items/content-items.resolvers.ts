import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { connectionLoader, nodeFields, parseArgs, resolveConnection, resolveNestedConnections } from '../../graphql/connection.js'
import { normalizeInput, parseInput } from '../../graphql/input.js'
import type { BrandsService } from '../brands/public.js'
import type { SocialAccountsService } from '../social-accounts/public.js'
import type { CampaignsService } from '../campaigns/public.js'
import { AppError } from '../../lib/errors.js'
import { CalendarQuery, type ContentCalendar } from './content-calendar.js'
import { parseBulkJson } from './content-bulk.js'
import { ContentItemListQuery, CreateContentItemBody, NestedContentQuery, ScheduleBody, SubmitBody, UpdateContentItemBody } from './content-items.schemas.js'
import type { ContentItemNode, ContentItemsService } from './content-items.service.js'
import type { Page } from '../../lib/pagination.js'
import type { TargetDto } from './content-items.schemas.js'
import type { ContentActions } from './content-actions.js'
import { RevisionListQuery } from './content-revisions.schemas.js'
import type { ContentRevisionsService } from './content-revisions.service.js'
import type { LightColumn } from './content-items.repository.js'

// GraphQL face of content items: the same service methods and zod schemas as REST. Fields
// that cross a table (targets, revisions, brand, Brand.contentItems) are batched loaders.

const Id = z.uuid()
const RevisionNumber = z.number().int().min(1)

const version = (args: { expectedVersion?: number | null }) => args.expectedVersion ?? undefined

interface Deps { service: ContentItemsService, actions: ContentActions, revisions: ContentRevisionsService, calendar: ContentCalendar }

export function contentItemsResolvers ({ service, actions, revisions, calendar }: Deps): IResolvers {
  return {
    Query: {
      contentItem: async (_root, args, { ctx }) => await service.getNode(ctx, parseArgs(Id, args.id)),
      contentItems: async (_root, args, { ctx }, info) => await resolveConnection(ContentItemListQuery, args, async (q) => await service.listNodes(ctx, q), info),
      contentItemRevision: async (_root, args, { ctx }) => await revisions.get(ctx, parseArgs(Id, args.id), parseArgs(RevisionNumber, args.revision)),
      contentItemRevisionDiff: async (_root, args, { ctx }) => {
        const diff = await revisions.compare(ctx, parseArgs(Id, args.id), parseArgs(RevisionNumber, args.from), parseArgs(RevisionNumber, args.to))
        return { ...diff, changes: diff.changes.map((c) => ({ path: c.path, before: JSON.stringify(c.before), after: JSON.stringify(c.after) })) }
      },
      calendar: async (_root, args, { ctx }) => await calendar.calendar(ctx, parseInput(CalendarQuery, args))
    },
    Mutation: {
      createContentItem: async (_root, args, { ctx }) => await service.create(ctx, parseInput(CreateContentItemBody, args.input)),
      bulkCreateContentItems: async (_root, args, { ctx }) =>
        await service.bulkCreate(ctx, parseBulkJson({ items: (args.items as unknown[]).map((i) => normalizeInput(CreateContentItemBody, i)) })),
      updateContentItem: async (_root, args, { ctx }) =>
        await service.update(ctx, parseArgs(Id, args.id), parseInput(UpdateContentItemBody, args.input), version(args)),
      deleteContentItem: async (_root, args, { ctx }) => {
        const id = parseArgs(Id, args.id)
        await service.remove(ctx, id, version(args))
        return id
      },
      submitContentItem: async (_root, args, { ctx }) => await actions.submit(ctx, parseArgs(Id, args.id), parseInput(SubmitBody, { dueAt: args.dueAt }), version(args)),
      scheduleContentItem: async (_root, args, { ctx }) => await actions.schedule(ctx, parseArgs(Id, args.id), parseInput(ScheduleBody, args.input), version(args)),
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
  campaigns: Pick<CampaignsService, 'getMany'>
}

/**
 * ContentItem.campaign for every item of the query in one statement: null for an item without
 * a campaign, and for a caller who may read content but not campaigns (campaigns:read), as
 * Campaign.owner is for members.
 */
async function campaignsOf (campaigns: LoaderDeps['campaigns'], ctx: Ctx, campaignIds: Array<string | null>) {
  const ids = [...new Set(campaignIds.filter((id): id is string => id !== null))]
  if (!ids.length) return campaignIds.map(() => null)
  let found: Awaited<ReturnType<LoaderDeps['campaigns']['getMany']>>
  try {
    found = await campaigns.getMany(ctx, ids)
  } catch (err) {
    if (err instanceof AppError && err.code === 'HERALD_FORBIDDEN') return campaignIds.map(() => null)
    throw err
  }
  const byId = new Map(ids.map((id, i) => [id, found[i]]))
  return campaignIds.map((id) => (id ? byId.get(id) ?? null : null))
}

/**
 * ContentItem fields a light node answers (LIGHT_COLUMNS in the repository): its own small
 * columns, and the fields resolved by loaders keyed on id, brandId or campaignId. A nested page
 * whose query selects nothing else reads only those columns: a page of 200 items asking for
 * titles no longer reads, parses and maps 200 bodies, media lists, hashtags and labels.
 */
const LIGHT_FIELDS = new Set(['__typename', 'id', 'brandId', 'brand', 'campaignId', 'campaign', 'title', 'kind', 'status', 'revision', 'version',
  'scheduledAt', 'createdAt', 'updatedAt', 'targets', 'revisions', 'publications', 'approval', 'approvalRequests', 'comments', 'timeline'])

/** The light column a node field reads (the id and the sort's column are always read; loaders key on the id). */
const COLUMN_OF: Partial<Record<string, LightColumn>> = {
  brandId: 'brandId',
  brand: 'brandId',
  campaignId: 'campaignId',
  campaign: 'campaignId',
  title: 'title',
  kind: 'kind',
  status: 'status',
  revision: 'revision',
  version: 'version',
  scheduledAt: 'scheduledAt',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt'
}

/** The light columns a nested page's query reads, or undefined when it reads more than LIGHT_FIELDS (the whole rows). */
const lightColumns = (q: LoaderQuery<unknown>): readonly LightColumn[] | undefined => {
  if (q.info === undefined) return undefined
  const fields = nodeFields(q.info)
  for (const f of fields) if (!LIGHT_FIELDS.has(f)) return undefined
  return [...new Set([...fields].flatMap((f) => COLUMN_OF[f] ?? []))].sort()
}

/** A nested content-item connection for every parent: the parents whose queries read the same columns in one statement each. */
async function nestedItems (queries: Array<LoaderQuery<{ id: string }>>, list: (q: NestedContentQuery, ids: string[], light: readonly LightColumn[] | undefined) => Promise<Map<string, Page<ContentItemNode>>>) {
  const variants = new Map<string, { light: readonly LightColumn[] | undefined, at: number[] }>()
  queries.forEach((q, i) => {
    const light = lightColumns(q)
    const key = light?.join(',') ?? '*'
    const variant = variants.get(key) ?? { light, at: [] }
    variant.at.push(i)
    variants.set(key, variant)
  })
  const out: unknown[] = new Array(queries.length)
  for (const { light, at } of variants.values()) {
    const pages = await resolveNestedConnections(NestedContentQuery, at.map((i) => queries[i]), (o) => o.id, async (q, ids) => await list(q, ids, light))
    at.forEach((i, j) => { out[i] = pages[j] })
  }
  return out
}

export function contentItemsLoaders ({ service, revisions, brands, socialAccounts, campaigns }: LoaderDeps): MercuriusLoaders {
  return {
    ContentItem: {
      targets: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) => {
        const missing = queries.filter((q) => !q.obj.targets).map((q) => q.obj.id)
        const loaded = missing.length ? await service.targetsOf(ctx, missing) : new Map()
        return queries.map((q) => q.obj.targets ?? loaded.get(q.obj.id) ?? [])
      },
      revisions: connectionLoader(async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) =>
        await resolveNestedConnections(RevisionListQuery, queries, (o) => o.id, async (q, ids) => await revisions.listForItems(ctx, ids, q))),
      brand: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) => await brands.getMany(ctx, queries.map((q) => q.obj.brandId)),
      campaign: async (queries: Array<LoaderQuery<ContentItemNode>>, { ctx }: { ctx: Ctx }) => await campaignsOf(campaigns, ctx, queries.map((q) => q.obj.campaignId ?? null))
    },
    ContentTarget: {
      socialAccount: async (queries: Array<LoaderQuery<TargetDto>>, { ctx }: { ctx: Ctx }) => await socialAccounts.getMany(ctx, queries.map((q) => q.obj.socialAccountId))
    },
    Campaign: {
      contentItems: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await nestedItems(queries, async (q, ids, light) => await service.listForCampaigns(ctx, ids, q, light)))
    },
    Brand: {
      contentItems: connectionLoader(async (queries: Array<LoaderQuery<{ id: string }>>, { ctx }: { ctx: Ctx }) =>
        await nestedItems(queries, async (q, ids, light) => await service.listForBrands(ctx, ids, q, light)))
    }
  }
}
