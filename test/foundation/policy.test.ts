import t from 'tap'
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql'
import { readFileSync } from 'node:fs'
import { createTestApp } from '../helper.js'
import { schemaPath } from '../../src/plugins/graphql.js'

// Deny by default: every route must say which credential it takes, and only documentation,
// health, metrics, GraphiQL and sign-in may be public. Guest review tokens are taken by the
// /v1/guest/* routes only, and those routes take nothing else.
const PUBLIC = /^OPTIONS \*$|^(GET|HEAD) \/(healthz|readyz|metrics|openapi\.json|openapi\.yaml|schema\.graphql|docs.*|graphiql.*)$|^POST \/v1\/auth\/(signup|token|invitations\/accept)$/
const GUEST = /^(GET|HEAD|POST|PATCH|DELETE) \/v1\/guest\//

t.test('every route declares its credential; only the allow-list is public', async (t) => {
  const h = await createTestApp(t, { GRAPHIQL: 'true' })
  t.ok(h.app.routeTable.length > 20)
  for (const route of h.app.routeTable) {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      const name = `${method} ${route.url}`
      const auth = route.config?.auth
      t.ok(auth === 'public' || auth === 'actor' || auth === 'guest', `${name} declares auth (${auth})`)
      if (auth === 'public') t.match(name, PUBLIC, `${name} may be public`)
      if (auth === 'guest') t.match(name, GUEST, `${name} may take a guest token`)
      if (GUEST.test(name)) t.equal(auth, 'guest', `${name} takes only a guest token`)
    }
  }
  const guestRoutes = h.app.routeTable.filter((r) => r.config?.auth === 'guest').map((r) => `${r.method} ${r.url}`)
  for (const r of ['GET /v1/guest/review', 'POST /v1/guest/review/comments', 'POST /v1/guest/review/decisions']) t.ok(guestRoutes.includes(r), `${r} is a guest route`)
})

t.test('the served GraphQL schema is schema.graphql', async (t) => {
  const h = await createTestApp(t)
  const normalise = (s: Parameters<typeof printSchema>[0]) => printSchema(lexicographicSortSchema(s))
  const file = buildSchema(readFileSync(schemaPath, 'utf8'))
  t.equal(normalise(h.app.graphql.schema), normalise(file))
  // Every root field has a resolver (no field answers with a default null).
  for (const type of [file.getQueryType()!, file.getMutationType()!]) {
    const served = h.app.graphql.schema.getType(type.name) as any
    for (const name of Object.keys(type.getFields())) {
      t.type(served.getFields()[name].resolve, 'function', `${type.name}.${name} has a resolver`)
    }
  }
})
