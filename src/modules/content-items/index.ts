import fp from 'fastify-plugin'
import { AppError } from '../../lib/errors.js'
import { checkTarget } from '../platforms/public.js'
import { createContentItemsRepository } from './content-items.repository.js'
import { createContentRevisionsRepository } from './content-revisions.repository.js'
import { createContentQueries } from './content-items.queries.js'
import { createContentCore } from './content-core.js'
import { createContentValidator } from './content-validation.js'
import { createContentItemsService } from './content-items.service.js'
import { createContentActions } from './content-actions.js'
import { contentItemsRoutes } from './content-items.routes.js'
import { createContentRevisionsService } from './content-revisions.service.js'
import { contentRevisionsRoutes } from './content-revisions.routes.js'
import { createContentCalendar } from './content-calendar.js'
import { contentCalendarRoutes } from './content-calendar.routes.js'
import { contentBulkRoutes } from './content-bulk.routes.js'
import { contentItemsLoaders, contentItemsResolvers } from './content-items.resolvers.js'
import { CONTENT_ITEM_EVENTS, CONTENT_ITEM_EVENT_DATA } from './public.js'

export default fp(async (app) => {
  const items = createContentItemsRepository(app.cursors)
  const revisions = createContentRevisionsRepository(app.cursors)
  const core = createContentCore({ items, revisions, record: app.events.record, recordMany: app.events.recordMany })
  const validator = createContentValidator({ queries: createContentQueries(), blackouts: app.blackouts, check: checkTarget })
  const service = createContentItemsService({ core, items, validator })
  const actions = createContentActions({ core, items, validator })
  const revisionsService = createContentRevisionsService({ core, revisions })
  app.decorate('contentItems', { ...service, ...actions })
  app.decorate('contentRevisions', revisionsService)
  const calendar = createContentCalendar({ items, brands: app.brands })
  app.decorate('contentCalendar', calendar)
  app.events.define(CONTENT_ITEM_EVENTS, CONTENT_ITEM_EVENT_DATA)
  // A brand whose content went beyond drafts cannot be deleted; its drafts go with it, announced.
  app.brands.hooks.beforeDelete.register(async (ctx, brand) => { await service.releaseBrand(ctx, brand) })
  // A social account that content still goes to cannot be deleted.
  app.socialAccounts.hooks.beforeDelete.register(async (ctx, account) => {
    if (await items.targetsAccount(ctx.actor.orgId, account.id, ctx.db)) {
      throw new AppError('HERALD_IN_USE', 'Content items still go to this social account; remove it from their targets (or delete those items) first.')
    }
  })
  await app.register(contentBulkRoutes, { service })
  await app.register(contentItemsRoutes, { service, actions })
  await app.register(contentRevisionsRoutes, { service: revisionsService })
  await app.register(contentCalendarRoutes, { calendar })
  app.graphql.defineResolvers(contentItemsResolvers({ service, actions, revisions: revisionsService, calendar }))
  app.nodes.define({ type: 'ContentItem', table: 'content_items', get: async (ctx, id) => await service.getNode(ctx, id) })
  app.nodes.define({ type: 'ContentRevision', table: 'content_revisions', get: async (ctx, id) => await revisionsService.getById(ctx, id) })
  app.graphql.defineLoaders(contentItemsLoaders({ service, revisions: revisionsService, brands: app.brands, socialAccounts: app.socialAccounts, campaigns: app.campaigns }))
}, { name: 'content-items-module', dependencies: ['events-module', 'brands-module', 'social-accounts-module', 'campaigns-module', 'blackouts-module', 'graphql'] })
