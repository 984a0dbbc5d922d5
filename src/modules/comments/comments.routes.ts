import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { CommentListQuery, CommentParams, CommentSchema, CreateCommentBody, UpdateCommentBody } from './comments.schemas.js'
import type { CommentsService } from './comments.service.js'

export const commentsRoutes: FastifyPluginAsyncZod<{ service: CommentsService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/content-items/:id/comments', {
    config: { auth: 'actor' },
    schema: { params: IdParams, querystring: CommentListQuery, response: { 200: pageOf(CommentSchema) } }
  }, async (req) => await service.list(req.ctx(), req.params.id, req.query))

  app.post('/v1/content-items/:id/comments', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: CreateCommentBody, response: { 201: CommentSchema } }
  }, async (req, reply) => {
    const comment = await service.create(req.ctx(), req.params.id, req.body)
    withEtag(req, reply, comment.version)
    reply.header('location', `/v1/content-items/${req.params.id}/comments/${comment.id}`)
    return reply.code(201).send(comment)
  })

  app.get('/v1/content-items/:id/comments/:commentId', {
    config: { auth: 'actor' },
    schema: { params: CommentParams, response: { 200: CommentSchema } }
  }, async (req, reply) => {
    const comment = await service.get(req.ctx(), req.params.commentId, req.params.id)
    return withEtag(req, reply, comment.version) ? notModified(reply) : comment
  })

  app.patch('/v1/content-items/:id/comments/:commentId', {
    config: { auth: 'actor' },
    schema: { params: CommentParams, body: UpdateCommentBody, response: { 200: CommentSchema } }
  }, async (req, reply) => {
    const comment = await service.update(req.ctx(), req.params.commentId, req.body, ifMatch(req), req.params.id)
    withEtag(req, reply, comment.version)
    return comment
  })

  app.delete('/v1/content-items/:id/comments/:commentId', {
    config: { auth: 'actor' },
    schema: { params: CommentParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.commentId, ifMatch(req), req.params.id)
    return reply.code(204).send()
  })
}
