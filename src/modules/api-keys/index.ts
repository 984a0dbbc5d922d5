import fp from 'fastify-plugin'
import { createApiKeysRepository } from './api-keys.repository.js'
import { createApiKeysService } from './api-keys.service.js'
import { apiKeysRoutes } from './api-keys.routes.js'
import { API_KEY_EVENTS, API_KEY_EVENT_DATA } from './public.js'
import { apiKeySource, type RememberedKey } from './api-keys.credentials.js'
import { Remembered } from '../../lib/remembered.js'

export default fp(async (app) => {
  // Keys remembered between requests; a revoked key is forgotten the moment it is revoked.
  const keys = new Remembered<RememberedKey>()
  const service = createApiKeysService({ repo: createApiKeysRepository(app.cursors), brands: app.brands, record: app.events.record, forgetKey: (prefix) => { keys.forget(prefix) } })
  app.credentialSources.register('api_key', apiKeySource(keys))
  app.events.define(API_KEY_EVENTS, API_KEY_EVENT_DATA)
  await app.register(apiKeysRoutes, { service })
}, { name: 'api-keys-module', dependencies: ['events-module', 'brands-module'] })
