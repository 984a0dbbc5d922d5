import fp from 'fastify-plugin'
import { createBlackoutsRepository } from '../blackouts/blackouts.repository.js'
import { checkTarget } from '../platforms/platform-rules.js'
import { createContentItemsRepository } from './content-items.repository.js'
import { createContentRevisionsRepository } from './content-revisions.repository.js'
import { createContentLookups } from './content-lookups.repository.js'
import { createContentCore } from './content-core.js'
import { createContentValidator } from './content-validation.js'
import { createContentItemsService, type ContentItemsService } from './content-items.service.js'
import { createContentActions, type ContentActions } from './content-actions.js'
import { contentItemsRoutes } from './content-items.routes.js'
import { createContentRevisionsService, type ContentRevisionsService } from './content-revisions.service.js'
import { contentRevisionsRoutes } from './content-revisions.routes.js'
import { createContentCalendar, type ContentCalendar } from './content-calendar.js'
import { contentCalendarRoutes } from './content-calendar.routes.js'
import { contentBulkRoutes } from './content-bulk.routes.js'
import { contentItemsLoaders, contentItemsResolvers } from './content-items.resolvers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Content items: CRUD, actions, `hooks` and `transition` for other modules. */
    contentItems: ContentItemsService & ContentActions
    contentRevisions: ContentRevisionsService
    contentCalendar: ContentCalendar
  }
}

export default fp(async (app) => {
  const items = createContentItemsRepository(app.cursors)
  const revisions = createContentRevisionsRepository(app.cursors)
  const core = createContentCore({ items, revisions, record: app.events.record })
  const validator = createContentValidator({ lookups: createContentLookups(), blackouts: createBlackoutsRepository(app.cursors), check: checkTarget })
  const service = createContentItemsService({ core, items, validator })
  const actions = createContentActions({ core, items, validator })
  const revisionsService = createContentRevisionsService({ core, revisions })
  app.decorate('contentItems', { ...service, ...actions })
  app.decorate('contentRevisions', revisionsService)
  const calendar = createContentCalendar({ core, items, brands: app.brands })
  app.decorate('contentCalendar', calendar)
  await app.register(contentBulkRoutes, { service })
  await app.register(contentItemsRoutes, { service, actions })
  await app.register(contentRevisionsRoutes, { service: revisionsService })
  await app.register(contentCalendarRoutes, { calendar })
  app.graphql.defineResolvers(contentItemsResolvers({ service, actions, revisions: revisionsService, calendar }))
  app.graphql.defineLoaders(contentItemsLoaders({ service, revisions: revisionsService, brands: app.brands, socialAccounts: app.socialAccounts }))
}, { name: 'content-items-module', dependencies: ['events-module', 'brands-module', 'social-accounts-module', 'campaigns-module', 'blackouts-module', 'graphql'] })
