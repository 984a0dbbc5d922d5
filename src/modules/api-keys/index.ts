import fp from 'fastify-plugin'
import { createApiKeysRepository } from './api-keys.repository.js'
import { createApiKeysService } from './api-keys.service.js'
import { apiKeysRoutes } from './api-keys.routes.js'
import { API_KEY_EVENTS } from './public.js'
import { apiKeySource } from './api-keys.credentials.js'

export default fp(async (app) => {
  const service = createApiKeysService({ repo: createApiKeysRepository(app.cursors), brands: app.brands, record: app.events.record })
  app.credentialSources.register('api_key', apiKeySource)
  app.events.define(API_KEY_EVENTS)
  await app.register(apiKeysRoutes, { service })
}, { name: 'api-keys-module', dependencies: ['events-module', 'brands-module'] })
