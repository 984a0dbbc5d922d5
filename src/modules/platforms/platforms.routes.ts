import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { notModified, useZod } from '../../lib/http.js'
import { CheckBody, CheckResultSchema, NoQuery, PlatformListSchema, PlatformParams, PlatformRulesSchema } from './platforms.schemas.js'
import type { PlatformsService } from './platforms.service.js'

// The rules change only with a deploy: a client may keep them an hour (private: they are served
// to authenticated callers only) and revalidate with If-None-Match.
const CACHE_CONTROL = 'private, max-age=3600'

/** Sets ETag and Cache-Control; true when If-None-Match already holds this representation. */
function cached (req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL)
  const inm = req.headers['if-none-match']
  if (!inm) return false
  return inm.trim() === '*' || inm.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag)
}

export const platformsRoutes: FastifyPluginAsyncZod<{ service: PlatformsService }> = async (app, { service }) => {
  useZod(app)

  app.get('/v1/platforms', {
    config: { auth: 'actor' },
    schema: { querystring: NoQuery, response: { 200: PlatformListSchema } }
  }, async (req, reply) => {
    const { data, etag } = service.list(req.ctx())
    return cached(req, reply, etag) ? notModified(reply) : { data, nextCursor: null }
  })

  app.get('/v1/platforms/:platform', {
    config: { auth: 'actor' },
    schema: { params: PlatformParams, querystring: NoQuery, response: { 200: PlatformRulesSchema } }
  }, async (req, reply) => {
    const { rules, etag } = service.get(req.ctx(), req.params.platform)
    return cached(req, reply, etag) ? notModified(reply) : rules
  })

  app.post('/v1/platforms/check', {
    config: { auth: 'actor' },
    schema: { body: CheckBody, response: { 200: CheckResultSchema } }
  }, async (req) => service.check(req.ctx(), req.body))
}
