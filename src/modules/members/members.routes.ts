import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { CreateMemberBody, InvitedMemberSchema, MemberListQuery, MemberSchema, UpdateMemberBody } from './members.schemas.js'
import type { MembersService } from './members.service.js'

export const membersRoutes: FastifyPluginAsyncZod<{ service: MembersService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/members', {
    config: { auth: 'actor' },
    schema: { querystring: MemberListQuery, response: { 200: pageOf(MemberSchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/members', {
    config: { auth: 'actor', returnsSecret: true },
    schema: { body: CreateMemberBody, response: { 201: InvitedMemberSchema } }
  }, async (req, reply) => {
    const member = await service.invite(req.ctx(), req.body)
    withEtag(req, reply, member.version)
    reply.header('location', `/v1/members/${member.id}`)
    return reply.code(201).send(member)
  })

  app.get('/v1/members/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: MemberSchema } }
  }, async (req, reply) => {
    const member = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, member.version) ? notModified(reply) : member
  })

  app.patch('/v1/members/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateMemberBody, response: { 200: MemberSchema } }
  }, async (req, reply) => {
    const member = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, member.version)
    return member
  })

  app.delete('/v1/members/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })
}
