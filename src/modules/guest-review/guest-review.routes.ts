import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ifMatch, useZod } from '../../lib/http.js'
import { etagOf } from '../../lib/etag.js'
import { DecisionBody, DecisionResultSchema } from '../approval-requests/public.js'
import { CommentSchema, GuestCommentBody } from '../comments/public.js'
import { GuestReviewSchema } from './guest-review.schemas.js'
import type { GuestReviewService } from './guest-review.service.js'

// The only routes a guest review token opens (auth mode 'guest'); they refuse every other
// credential. REST only: /graphql takes access tokens and API keys, never a guest token, so a
// guest cannot reach the rest of the schema through it.
export const guestReviewRoutes: FastifyPluginAsyncZod<{ service: GuestReviewService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/guest/review', {
    config: { auth: 'guest' },
    schema: { querystring: z.strictObject({}), response: { 200: GuestReviewSchema } }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return await service.view(req.ctx())
  })

  app.post('/v1/guest/review/comments', {
    config: { auth: 'guest' },
    schema: { body: GuestCommentBody, response: { 201: CommentSchema } }
  }, async (req, reply) => await reply.code(201).send(await service.comment(req.ctx(), req.body)))

  app.post('/v1/guest/review/decisions', {
    config: { auth: 'guest' },
    schema: { body: DecisionBody, response: { 201: DecisionResultSchema } }
  }, async (req, reply) => {
    const result = await service.decide(req.ctx(), req.body, ifMatch(req))
    reply.header('etag', etagOf(result.request.version))
    return await reply.code(201).send(result)
  })
}
