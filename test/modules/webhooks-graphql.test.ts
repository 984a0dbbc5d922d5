import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, signup } from '../factories.js'

async function gql (h: TestApp, token: string, query: string, variables?: object) {
  const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query, variables } })
  return json(res)
}

t.test('webhooks over GraphQL: the same service as REST', async (t) => {
  const h = await createTestApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
  const owner = await signup(h, 'gq-hooks')
  const other = await signup(h, 'gq-hooks-other')
  const create = 'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { id secret eventTypes enabled version } }'

  const made = await gql(h, owner.token, create, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['content_item.*'] } })
  t.notOk(made.errors)
  const hook = made.data.createWebhook
  t.match(hook.secret, /^whsec_/)

  const listed = await gql(h, owner.token, '{ webhooks(first: 10) { edges { node { id url enabled } } } }')
  t.same(listed.data.webhooks.edges.map((e: any) => e.node.id), [hook.id])
  t.same((await gql(h, other.token, '{ webhooks(first: 10) { edges { node { id } } } }')).data.webhooks.edges, [], 'another organization sees none')
  const theirs = await gql(h, other.token, `{ webhook(id: "${hook.id}") { id } }`)
  t.equal(theirs.errors[0].extensions.code, 'HERALD_NOT_FOUND')

  const updated = await gql(h, owner.token, 'mutation ($id: ID!) { updateWebhook(id: $id, input: { enabled: false }, expectedVersion: 1) { enabled version } }', { id: hook.id })
  t.same(updated.data.updateWebhook, { enabled: false, version: 2 })
  const stale = await gql(h, owner.token, 'mutation ($id: ID!) { updateWebhook(id: $id, input: { enabled: true }, expectedVersion: 1) { enabled } }', { id: hook.id })
  t.equal(stale.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')

  const rotated = await gql(h, owner.token, 'mutation ($id: ID!) { rotateWebhookSecret(id: $id, overlapHours: 1) { secret previousSecretExpiresAt } }', { id: hook.id })
  t.not(rotated.data.rotateWebhookSecret.secret, hook.secret)
  t.ok(rotated.data.rotateWebhookSecret.previousSecretExpiresAt)

  const bad = await gql(h, owner.token, create, { input: { url: 'http://169.254.169.254/', eventTypes: ['content_item.*'] } })
  t.equal(bad.errors[0].extensions.code, 'HERALD_VALIDATION')
  const creator = await addMember(h, owner, 'creator')
  t.equal((await gql(h, creator.token, create, { input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['content_item.*'] } })).errors[0].extensions.code, 'HERALD_FORBIDDEN')

  const types = await gql(h, owner.token, '{ eventTypes { type description dataSchema example } }')
  const approved = types.data.eventTypes.find((e: any) => e.type === 'content_item.approved')
  t.ok(approved.description)
  t.equal(JSON.parse(approved.example).type, 'content_item.approved')

  const deleted = await gql(h, owner.token, 'mutation ($id: ID!) { deleteWebhook(id: $id) }', { id: hook.id })
  t.equal(deleted.data.deleteWebhook, hook.id)
})
