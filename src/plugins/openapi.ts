import { readFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swaggerUi from '@fastify/swagger-ui'
import { projectFile } from '../lib/project-files.js'

export const openapiPath = projectFile('openapi.yaml')

// openapi.yaml is written by hand and served as written: /openapi.yaml byte for byte,
// /openapi.json as its JSON form, /docs as Swagger UI over the same document.
//
// The document is 470 kB of YAML: parsing it took 0.3–0.8 s and ~10 MiB at start-up, for
// routes few clients call. It is parsed on the first request that needs it and kept. Swagger
// UI only needs `app.swagger()`, which is all @fastify/swagger's static mode provides, so this
// plugin provides it (under that plugin's name, which Swagger UI declares as its dependency)
// instead of loading @fastify/swagger, which parses the document when it registers.
//
// Nor is the YAML text kept from start-up: 1.3 MB with a few non-Latin-1 characters is a
// 2.5 MiB two-byte string in the heap of every instance. /openapi.yaml reads the file per
// request (it is served with a cache lifetime); the docs keep what they loaded once used.
export default fp(async (app) => {
  let parsed: { document: unknown, json: string, yamlText: string } | undefined
  const load = async () => {
    if (!parsed) {
      const { parse } = await import('yaml')
      const yamlText = await readFile(openapiPath, 'utf8')
      const document = parse(yamlText) as unknown
      parsed = { document, json: JSON.stringify(document), yamlText }
    }
    return parsed
  }
  const docsConfig = { auth: 'public' as const, rateLimit: false as const }

  app.get('/openapi.yaml', { config: docsConfig }, async (_req, reply) =>
    reply.type('application/yaml; charset=utf-8').header('cache-control', 'public, max-age=300').send(await readFile(openapiPath)))
  app.get('/openapi.json', { config: docsConfig }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send((await load()).json))

  await app.register(async (docs) => {
    // Swagger UI's own routes are public documentation; they call app.swagger() synchronously,
    // so the document is loaded before any of them runs.
    docs.addHook('onRoute', (route) => { route.config = { ...(route.config ?? {}), ...docsConfig } })
    docs.addHook('onRequest', async () => { await load() })
    await docs.register(fp(async (instance) => {
      const swagger = (opts?: { yaml?: boolean }) => {
        if (!parsed) throw new Error('the OpenAPI document is loaded by the docs routes before use')
        return opts?.yaml === true ? parsed.yamlText : parsed.document
      }
      instance.decorate('swagger', swagger as FastifyInstance['swagger'])
    }, { name: '@fastify/swagger' }))
    await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: false, uiConfig: { url: '/openapi.json', deepLinking: true, validatorUrl: null } as any })
  })
}, { name: 'openapi' })
