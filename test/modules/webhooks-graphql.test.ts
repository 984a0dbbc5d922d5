import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { receiver } from '../webhook-receiver.js'

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
  const enabled = async (v: unknown) => await gql(h, owner.token, 'query ($v: Boolean) { webhooks(first: 10, enabled: $v) { edges { node { id enabled } } } }', { v })
  t.same((await enabled(true)).data.webhooks.edges.map((e: any) => e.node.id), [hook.id], 'enabled: true')
  t.same((await enabled(false)).data.webhooks.edges, [], 'enabled: false')
  t.same((await enabled(null)).data.webhooks.edges.map((e: any) => e.node.id), [hook.id], 'enabled: null is no filter')
  const asText = await gql(h, owner.token, '{ webhooks(first: 10, enabled: "true") { edges { node { id } } } }')
  t.equal(asText.errors[0].extensions.code, 'HERALD_VALIDATION', 'enabled is a Boolean, not text')
  t.match(asText.errors[0].message, /Boolean/)
  t.same((await gql(h, other.token, '{ webhooks(first: 10) { edges { node { id } } } }')).data.webhooks.edges, [], 'another organization sees none')
  const theirs = await gql(h, other.token, `{ webhook(id: "${hook.id}") { id } }`)
  t.equal(theirs.errors[0].extensions.code, 'HERALD_NOT_FOUND')

  const updated = await gql(h, owner.token, 'mutation ($id: ID!) { updateWebhook(id: $id, input: { enabled: false }, expectedVersion: 1) { enabled version } }', { id: hook.id })
  t.same(updated.data.updateWebhook, { enabled: false, version: 2 })
  t.same((await enabled(false)).data.webhooks.edges.map((e: any) => e.node.id), [hook.id], 'enabled: false lists the disabled one')
  t.same((await enabled(true)).data.webhooks.edges, [])
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

t.test('testWebhook and redeliverWebhookDelivery: the REST test send and redelivery, over GraphQL', async (t) => {
  const h = await createTestApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' })
  const owner = await signup(h, 'gq-send')
  const other = await signup(h, 'gq-send-other')
  const rx = await receiver(t)
  const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.*'] } }))
  const send = 'mutation ($id: ID!) { testWebhook(id: $id) { id webhookId eventId eventType status attempts createdAt lastAttempt { statusCode } } }'
  const redeliver = 'mutation ($id: ID!, $deliveryId: ID!) { redeliverWebhookDelivery(id: $id, deliveryId: $deliveryId) { id eventId status attempts lastAttempt { attemptNumber statusCode startedAt } } }'

  const sent = await gql(h, owner.token, send, { id: hook.id })
  t.notOk(sent.errors)
  const delivery = sent.data.testWebhook
  t.match(delivery, { webhookId: hook.id, eventType: 'webhook.test', status: 'pending', attempts: 0, lastAttempt: null })
  await rx.until((g) => g.length >= 1)
  const first = rx.got[0]
  const envelope = new Webhook(hook.secret).verify(first.body, first.headers as Record<string, string>) as any
  t.equal(envelope.type, 'webhook.test')
  t.equal(envelope.id, delivery.eventId, 'the event the mutation answered is the one delivered')
  // The REST log shows the same delivery.
  let logged: any
  for (let i = 0; i < 100; i++) {
    logged = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}`, headers: bearer(owner.token) }))
    if (logged.status === 'succeeded') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.match(logged, { id: delivery.id, status: 'succeeded', attempts: 1 })

  const again = await gql(h, owner.token, redeliver, { id: hook.id, deliveryId: delivery.id })
  t.notOk(again.errors)
  t.match(again.data.redeliverWebhookDelivery, { id: delivery.id, eventId: delivery.eventId, status: 'pending', attempts: 1, lastAttempt: { attemptNumber: 1, statusCode: 200 } })
  t.ok(Date.parse(again.data.redeliverWebhookDelivery.lastAttempt.startedAt), 'a DateTime')
  await rx.until((g) => g.length >= 2)
  t.equal(rx.got[1].headers['webhook-id'], first.headers['webhook-id'], 'the same webhook-id')
  t.equal(rx.got[1].body, first.body, 'the same body')

  // Refusals: bad ids, unknown ids, another organization's, a role or key without webhooks:manage, a disabled webhook.
  const code = (body: any) => body.errors?.[0]?.extensions?.code
  t.equal(code(await gql(h, owner.token, send, { id: 'nope' })), 'HERALD_VALIDATION')
  t.equal(code(await gql(h, owner.token, redeliver, { id: hook.id, deliveryId: 'nope' })), 'HERALD_VALIDATION')
  t.equal(code(await gql(h, owner.token, 'mutation { testWebhook { id } }')), 'HERALD_VALIDATION', 'id is required')
  t.equal(code(await gql(h, owner.token, send, { id: '00000000-0000-4000-8000-000000000000' })), 'HERALD_NOT_FOUND')
  t.equal(code(await gql(h, owner.token, redeliver, { id: hook.id, deliveryId: '00000000-0000-4000-8000-000000000000' })), 'HERALD_NOT_FOUND')
  t.equal(code(await gql(h, other.token, send, { id: hook.id })), 'HERALD_NOT_FOUND', "another organization's webhook")
  t.equal(code(await gql(h, other.token, redeliver, { id: hook.id, deliveryId: delivery.id })), 'HERALD_NOT_FOUND')
  const manager = await addMember(h, owner, 'manager')
  t.equal(code(await gql(h, manager.token, send, { id: hook.id })), 'HERALD_FORBIDDEN', 'a manager does not manage webhooks')
  const reader = await createApiKey(h, owner, ['events:read'])
  t.equal(code(await gql(h, reader.secret, redeliver, { id: hook.id, deliveryId: delivery.id })), 'HERALD_FORBIDDEN')
  // A key limited to a brand sees only its brands' webhooks: an organization-wide one is not found.
  const brand = await createBrand(h, owner)
  const limited = await createApiKey(h, owner, ['webhooks:manage'], [brand.id])
  t.equal(code(await gql(h, limited.secret, send, { id: hook.id })), 'HERALD_NOT_FOUND')
  await h.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token), payload: { enabled: false } })
  t.equal(code(await gql(h, owner.token, send, { id: hook.id })), 'HERALD_CONFLICT', 'a disabled webhook is not sent to')
  t.equal(code(await gql(h, owner.token, redeliver, { id: hook.id, deliveryId: delivery.id })), 'HERALD_CONFLICT')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(rx.got.length, 2, 'nothing else was sent')
})
