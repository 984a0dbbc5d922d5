import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { useZod } from '../../lib/http.js'
import { AcceptInvitationBody, MeResponse, SignupBody, TokenBody, TokenResponse } from './auth.schemas.js'
import type { AuthService } from './auth.service.js'

export const authRoutes: FastifyPluginAsyncZod<{ service: AuthService }> = async (app, { service }) => {
  useZod(app)
  const meta = (req: { ip: string, id: string }) => ({ ip: req.ip, requestId: req.id })

  app.post('/v1/auth/signup', {
    config: { auth: 'public' },
    schema: { body: SignupBody, response: { 201: TokenResponse } }
  }, async (req, reply) => reply.code(201).send(await service.signup(req.body, meta(req))))

  app.post('/v1/auth/token', {
    config: { auth: 'public' },
    schema: { body: TokenBody, response: { 200: TokenResponse } }
  }, async (req) => await service.token(req.body, meta(req)))

  app.post('/v1/auth/invitations/accept', {
    config: { auth: 'public' },
    schema: { body: AcceptInvitationBody, response: { 200: TokenResponse } }
  }, async (req) => await service.acceptInvitation(req.body, meta(req)))

  app.get('/v1/me', {
    config: { auth: 'actor' },
    schema: { response: { 200: MeResponse } }
  }, async (req) => await service.me(req.ctx()))
}
