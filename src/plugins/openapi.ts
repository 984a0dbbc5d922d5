import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { parse } from 'yaml'

export const openapiPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml')

// openapi.yaml is written by hand and served as written: /openapi.yaml byte for byte,
// /openapi.json as its JSON form, /docs as Swagger UI over the same document.
export default fp(async (app) => {
  const yamlText = readFileSync(openapiPath, 'utf8')
  const document = parse(yamlText)
  const jsonText = JSON.stringify(document)
  const docsConfig = { auth: 'public' as const, rateLimit: false as const }

  app.get('/openapi.yaml', { config: docsConfig }, async (_req, reply) =>
    reply.type('application/yaml; charset=utf-8').header('cache-control', 'public, max-age=300').send(yamlText))
  app.get('/openapi.json', { config: docsConfig }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(jsonText))

  await app.register(async (docs) => {
    // Swagger UI's own routes are public documentation.
    docs.addHook('onRoute', (route) => { route.config = { ...(route.config ?? {}), ...docsConfig } })
    await docs.register(swagger, { mode: 'static', specification: { document } })
    await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: false, uiConfig: { url: '/openapi.json', deepLinking: true, validatorUrl: null } as any })
  })
}, { name: 'openapi' })
