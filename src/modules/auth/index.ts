import fp from 'fastify-plugin'
import { createLoginGuard, type LoginLimits } from '../../lib/failure-limiter.js'
import { createAuthRepository } from './auth.repository.js'
import { createAuthQueries } from './auth.queries.js'
import { createAuthService } from './auth.service.js'
import { authRoutes } from './auth.routes.js'
import { authResolvers } from './auth.resolvers.js'

export interface AuthModuleOptions {
  allowSignup: boolean
  accessTtlSeconds: number
  refreshTtlDays: number
  login: LoginLimits
}

export default fp<AuthModuleOptions>(async (app, opts) => {
  const service = createAuthService({
    repo: createAuthRepository(),
    queries: createAuthQueries(),
    members: app.members,
    organizations: app.organizations,
    withTenant: app.withTenant,
    withAuthLookup: app.withAuthLookup,
    signAccess: (claims) => app.jwt.sign(claims),
    limiter: createLoginGuard(app.limitsPool, opts.login),
    allowSignup: opts.allowSignup,
    accessTtlSeconds: opts.accessTtlSeconds,
    refreshTtlDays: opts.refreshTtlDays
  })
  await app.register(authRoutes, { service })
  app.graphql.defineResolvers(authResolvers(service))
}, { name: 'auth-module', dependencies: ['members-module', 'organizations-module', 'events-module', 'rate-limit'] })
