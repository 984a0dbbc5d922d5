import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { z } from 'zod'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import type { LoaderQuery } from '../../graphql/batch.js'
import { parseArgs } from '../../graphql/connection.js'
import type { BrandsService } from '../brands/public.js'
import type { CampaignDto, CampaignsService } from '../campaigns/public.js'
import type { ContentItemsService } from '../content-items/public.js'
import type { SocialAccountsService } from '../social-accounts/public.js'
import { BestTimesQuery, ReportQuery, TopContentQuery, type ReportRow } from './metrics.schemas.js'
import type { MetricsService } from './metrics.service.js'

// GraphQL for BI tools: typed report rows (every dimension a field and its object, every metric
// and rate a field), the report as a connection, top content, best times, Campaign.progress.
// A report is one engine statement whatever its size; the objects of a page's rows are loaded
// per type in one batch each.

const MAX_PAGE = 1000
const Page = z.object({
  first: z.number().int().min(0).max(MAX_PAGE).default(100),
  after: z.string().max(40).regex(/^o:\d{1,6}$/, { message: 'not a cursor of this report' }).optional()
})

/** Arguments without their nulls (GraphQL's absent), as REST's query would carry them. */
const present = (o: Record<string, unknown> | null | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== null && v !== undefined))

export function metricsResolvers (service: MetricsService): IResolvers {
  return {
    Query: {
      metricDefinitions: async (_root, _args, { ctx }) => service.definitions(ctx).data,
      metricsReport: async (_root, args, { ctx }) => {
        const q = parseArgs(ReportQuery, { ...present(args.filter), groupBy: (args.groupBy ?? []).join(',') })
        const page = parseArgs(Page, present({ first: args.first, after: args.after }))
        const report = await service.report(ctx, q)
        const start = page.after ? Number(page.after.slice(2)) + 1 : 0
        if (start > report.data.length) throw new AppError('HERALD_BAD_CURSOR', 'The cursor is past the end of this report.', { errors: [{ path: 'after', message: 'invalid cursor' }] })
        const rows = report.data.slice(start, start + page.first)
        return {
          edges: rows.map((node, i) => ({ node, cursor: `o:${start + i}` })),
          pageInfo: { hasNextPage: start + rows.length < report.data.length, hasPreviousPage: start > 0, startCursor: rows.length ? `o:${start}` : page.after ?? null, endCursor: rows.length ? `o:${start + rows.length - 1}` : page.after ?? null },
          totalCount: report.data.length,
          freshness: report.freshness
        }
      },
      topContent: async (_root, args, { ctx }) => (await service.topContent(ctx, parseArgs(TopContentQuery, { ...present(args.filter), ...present({ metric: args.metric, minImpressions: args.minImpressions, limit: args.limit }) }))).data,
      bestTimes: async (_root, args, { ctx }) => (await service.bestTimes(ctx, parseArgs(BestTimesQuery, present(args.filter)))).data
    }
  }
}

type RowQuery = LoaderQuery<ReportRow>

/** The objects behind a page of rows, one batch per type; a row not grouped by it has none. */
export function metricsLoaders (service: MetricsService, deps: { brands: BrandsService, campaigns: CampaignsService, socialAccounts: SocialAccountsService, contentItems: ContentItemsService }): MercuriusLoaders {
  const edge = <T>(key: keyof ReportRow, load: (ctx: Ctx, ids: string[]) => Promise<Array<T | null>>) =>
    async (queries: RowQuery[], { ctx }: { ctx: Ctx }) => {
      const ids = [...new Set(queries.map((q) => q.obj[key]).filter((id): id is string => typeof id === 'string'))]
      const found = ids.length ? await load(ctx, ids) : []
      const byId = new Map(ids.map((id, i) => [id, found[i] ?? null]))
      return queries.map((q) => (typeof q.obj[key] === 'string' ? byId.get(q.obj[key]) ?? null : null))
    }
  return {
    MetricsReportRow: {
      brand: edge('brandId', async (ctx, ids) => await deps.brands.getMany(ctx, ids)),
      campaign: edge('campaignId', async (ctx, ids) => await deps.campaigns.getMany(ctx, ids)),
      socialAccount: edge('socialAccountId', async (ctx, ids) => await deps.socialAccounts.getMany(ctx, ids)),
      contentItem: edge('contentItemId', async (ctx, ids) => await deps.contentItems.nodesById(ctx, ids))
    },
    Campaign: {
      progress: async (queries: Array<LoaderQuery<CampaignDto>>, { ctx }: { ctx: Ctx }) => await service.progressMany(ctx, queries.map((q) => q.obj))
    }
  }
}
