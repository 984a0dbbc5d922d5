import fp from 'fastify-plugin'
import { createApiKeysRepository } from './api-keys.repository.js'
import { createApiKeysService } from './api-keys.service.js'
import { apiKeysRoutes } from './api-keys.routes.js'

export default fp(async (app) => {
  const service = createApiKeysService({ repo: createApiKeysRepository(app.cursors), brands: app.brands, record: app.events.record })
  await app.register(apiKeysRoutes, { service })
}, { name: 'api-keys-module', dependencies: ['events-module', 'brands-module'] })
