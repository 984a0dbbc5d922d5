import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { IdParams, ifMatch, notModified, pageOf, useZod, withEtag } from '../../lib/http.js'
import { ApprovalPolicyListQuery, ApprovalPolicySchema, CreateApprovalPolicyBody, UpdateApprovalPolicyBody } from './approval-policies.schemas.js'
import type { ApprovalPoliciesService } from './approval-policies.service.js'

export const approvalPoliciesRoutes: FastifyPluginAsyncZod<{ service: ApprovalPoliciesService }> = async (app, { service }) => {
  useZod(app)
  app.get('/v1/approval-policies', {
    config: { auth: 'actor' },
    schema: { querystring: ApprovalPolicyListQuery, response: { 200: pageOf(ApprovalPolicySchema) } }
  }, async (req) => await service.list(req.ctx(), req.query))

  app.post('/v1/approval-policies', {
    config: { auth: 'actor' },
    schema: { body: CreateApprovalPolicyBody, response: { 201: ApprovalPolicySchema } }
  }, async (req, reply) => {
    const policy = await service.create(req.ctx(), req.body)
    withEtag(req, reply, policy.version)
    reply.header('location', `/v1/approval-policies/${policy.id}`)
    return reply.code(201).send(policy)
  })

  app.get('/v1/approval-policies/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: ApprovalPolicySchema } }
  }, async (req, reply) => {
    const policy = await service.get(req.ctx(), req.params.id)
    return withEtag(req, reply, policy.version) ? notModified(reply) : policy
  })

  app.patch('/v1/approval-policies/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams, body: UpdateApprovalPolicyBody, response: { 200: ApprovalPolicySchema } }
  }, async (req, reply) => {
    const policy = await service.update(req.ctx(), req.params.id, req.body, ifMatch(req))
    withEtag(req, reply, policy.version)
    return policy
  })

  app.delete('/v1/approval-policies/:id', {
    config: { auth: 'actor' },
    schema: { params: IdParams }
  }, async (req, reply) => {
    await service.remove(req.ctx(), req.params.id, ifMatch(req))
    return reply.code(204).send()
  })
}
