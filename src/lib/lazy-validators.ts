import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>

/**
 * Fastify's own JSON-schema validation (Ajv, as Fastify sets it up), for the routes that do not
 * validate with zod (GraphQL's /graphql and the docs' routes; src/lib/http.ts useZod): the same
 * compiler, but each route's validator is built on the route's first request, not at start-up.
 * Ajv compiling its meta-schema and GraphQL's two request schemas was ~50 ms of a ~0.9 s
 * start (measured 2026-12-02); the first GraphQL request pays it once instead, as the first
 * reply of a REST route pays for its serializer.
 */
export function lazyValidators (): BuildValidator {
  const fromPool = AjvCompiler()
  return (externalSchemas, options) => (route) => {
    let validate: ReturnType<ReturnType<typeof fromPool>> | undefined
    // Fastify reads a failed validation's errors from the function's `errors`, as Ajv leaves them.
    const lazy = Object.assign((data: unknown) => {
      validate ??= fromPool(externalSchemas, options as Parameters<typeof fromPool>[1])(route)
      const ok = validate(data)
      lazy.errors = validate.errors
      return ok
    }, { errors: undefined as unknown })
    // Ajv's validator type also carries its schema; Fastify calls it and reads `errors` only.
    return lazy as unknown as ReturnType<ReturnType<BuildValidator>>
  }
}
