import t from 'tap'
import { randomUUID } from 'node:crypto'
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLNonNull, GraphQLList, GraphQLScalarType, getNamedType, isNonNullType, type GraphQLInputType, type GraphQLField } from 'graphql'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey, signup } from '../factories.js'

// Deny by default, GraphQL side: every root field answers a credential that holds no relevant
// permission with a refusal, never with data. Walks the served schema, so a field added later
// without a policy fails here. Only the fields below need no permission at all.
// The event catalogue (`eventTypes`) is documentation, like the platform rules: no tenant data.
const OPEN = new Set(['viewer', 'platforms', 'platform', 'checkPlatformContent', 'eventTypes'])
/**
 * `node(id:)` cannot know the type of an id it does not find, so it has no permission to check:
 * for a random id it answers not found (never data), which is the refusal this test wants.
 */
const NOT_FOUND_IS_REFUSAL = new Set(['node'])

/** Values that a name calls for, where the type alone does not say enough. */
const BY_NAME: Record<string, unknown> = {
  timeZone: 'UTC',
  startsAt: '2030-01-01T00:00:00Z',
  endsAt: '2030-01-02T00:00:00Z',
  expiresAt: '2030-01-02T00:00:00Z',
  steps: [{ name: 'Review', roles: ['manager'], mode: 'any' }],
  url: 'https://hooks.example.com/herald',
  eventTypes: ['content_item.approved']
}

/** Optional input fields given a value anyway: their input refuses an empty change. */
const OPTIONAL_SAMPLED = new Set(['UpdateWebhookInput.url'])

/** A value for a required argument that passes validation, so the refusal is the policy's. */
function sample (name: string, type: GraphQLInputType): unknown {
  if (name in BY_NAME) return BY_NAME[name]
  if (isNonNullType(type)) return sample(name, type.ofType)
  if (type instanceof GraphQLList) return [sample(name, type.ofType)]
  if (type instanceof GraphQLEnumType) return type.getValues()[0].value
  if (type instanceof GraphQLInputObjectType) {
    // Required fields, and the optional ones named below (an input of only optional fields may
    // refuse an empty change before any policy is asked).
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || OPTIONAL_SAMPLED.has(`${type.name}.${f.name}`)).map((f) => [f.name, sample(f.name, f.type)]))
  }
  const scalar = (type as GraphQLScalarType).name
  if (scalar === 'ID') return randomUUID()
  if (scalar === 'Int') return 1
  if (scalar === 'Boolean') return true
  if (name === 'from') return '2030-01-01'
  if (name === 'to') return '2030-01-07'
  return 'x'
}

function operation (kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => a.type instanceof GraphQLNonNull)
  const decl = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')
  const pass = required.map((a) => `${a.name}: $${a.name}`).join(', ')
  const named = getNamedType(field.type)
  const selection = 'getFields' in named ? '{ __typename }' : ''
  return {
    query: `${kind}${decl ? `(${decl})` : ''} { ${field.name}${pass ? `(${pass})` : ''} ${selection} }`,
    variables: Object.fromEntries(required.map((a) => [a.name, sample(a.name, a.type)]))
  }
}

t.test('every GraphQL root field refuses a credential without its permission', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'gql-policy')
  // A key that may only report publish outcomes (REST only): nothing this schema serves.
  const key = await createApiKey(h, owner, ['publishing:write'])
  const schema = h.app.graphql.schema
  const run = async (op: { query: string, variables: object }) => json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(key.secret), payload: op }))

  for (const field of Object.values(schema.getQueryType()!.getFields())) {
    const body = await run(operation('query', field))
    if (OPEN.has(field.name)) {
      t.notOk(body.errors, `${field.name} is open to any credential`)
      continue
    }
    t.equal(body.data?.[field.name] ?? null, null, `Query.${field.name}: no data`)
    t.equal(body.errors?.[0]?.extensions?.code, NOT_FOUND_IS_REFUSAL.has(field.name) ? 'HERALD_NOT_FOUND' : 'HERALD_FORBIDDEN', `Query.${field.name}: refused by its policy (${body.errors?.[0]?.message})`)
  }

  for (const field of Object.values(schema.getMutationType()!.getFields())) {
    const body = await run(operation('mutation', field))
    t.equal(body.data?.[field.name] ?? null, null, `Mutation.${field.name}: no data`)
    t.match(body.errors?.[0]?.extensions?.code, /^HERALD_(FORBIDDEN|USER_REQUIRED)$/, `Mutation.${field.name}: refused by its policy (${body.errors?.[0]?.message})`)
  }
  t.same(await h.sql('SELECT type FROM events WHERE organization_id = $1 AND actor_type = $2', [owner.orgId, 'api_key']), [], 'the key changed nothing')
})
