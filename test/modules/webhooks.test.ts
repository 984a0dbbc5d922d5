import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup, type Session } from '../factories.js'
import { receiver } from '../webhook-receiver.js'

const LOOPBACK = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' }

async function create (h: TestApp, s: Session, payload: Record<string, unknown>) {
  return await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(s.token), payload })
}

/** Waits until the delivery has an attempt logged (the send runs after the request's commit). */
async function settled (h: TestApp, s: Session, webhookId: string, deliveryId: string) {
  for (let i = 0; i < 200; i++) {
    const d = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${webhookId}/deliveries/${deliveryId}`, headers: bearer(s.token) }))
    if (d.lastAttempt) return d
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('no attempt logged')
}

t.test('webhooks', async (t) => {
  const h = await createTestApp(t, LOOPBACK)
  const owner = await signup(h, 'hooks')
  const other = await signup(h, 'hooks-other')
  const rx = await receiver(t, [500, 410])

  t.test('created with a secret shown once; read, listed, changed, deleted', async (t) => {
    const res = await create(h, owner, { url: rx.url, eventTypes: ['content_item.approved', 'campaign.*'], description: 'Zap' })
    t.equal(res.statusCode, 201)
    const hook = json(res)
    t.match(hook.secret, /^whsec_[A-Za-z0-9+/]{32,86}={0,2}$/)
    t.equal(res.headers.location, `/v1/webhooks/${hook.id}`)
    t.same(hook.eventTypes, ['content_item.approved', 'campaign.*'])
    const read = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) }))
    t.notOk('secret' in read, 'never shown again')
    const list = json(await h.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(owner.token) }))
    t.ok(list.data.some((w: any) => w.id === hook.id))
    t.notOk(JSON.stringify(list).includes(hook.secret))
    const second = json(await create(h, owner, { url: rx.url, eventTypes: ['campaign.created'] }))
    t.not(second.secret, hook.secret, 'each subscription has its own secret')
    const patched = await h.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...bearer(owner.token), 'if-match': '"1"' }, payload: { enabled: false } })
    t.equal(patched.statusCode, 200)
    t.equal(json(patched).enabled, false)
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...bearer(owner.token), 'if-match': '"1"' }, payload: { enabled: true } })).statusCode, 412)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) })).statusCode, 404)
    const events = await h.sql('SELECT type FROM events WHERE subject_id = $1 ORDER BY seq', [hook.id])
    t.same(events.map((e) => e.type), ['webhook.created', 'webhook.updated', 'webhook.deleted'])
    t.notOk(JSON.stringify(await h.sql('SELECT data FROM events WHERE subject_id = $1', [hook.id])).includes(hook.secret), 'no event carries the secret')
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ eventTypes: ['campaign.created'] }, 'url'],
      [{ url: rx.url }, 'eventTypes'],
      [{ url: 42, eventTypes: ['campaign.created'] }, 'url'],
      [{ url: rx.url, eventTypes: [] }, 'eventTypes'],
      [{ url: rx.url, eventTypes: ['no.such_type'] }, 'eventTypes/0'],
      [{ url: rx.url, eventTypes: ['nosuchfamily.*'] }, 'eventTypes/0'],
      [{ url: rx.url, eventTypes: ['Campaign Created'] }, 'eventTypes/0'],
      [{ url: rx.url, eventTypes: ['campaign.created', 'campaign.created'] }, 'eventTypes'],
      [{ url: 'x'.repeat(3000), eventTypes: ['campaign.created'] }, 'url'],
      [{ url: 'not a url', eventTypes: ['campaign.created'] }, 'url'],
      [{ url: 'ftp://127.0.0.1/x', eventTypes: ['campaign.created'] }, 'url'],
      [{ url: 'http://user:pw@127.0.0.1/x', eventTypes: ['campaign.created'] }, 'url'],
      [{ url: rx.url, eventTypes: ['campaign.created'], secret: 'mine' }, 'secret'],
      [{ url: rx.url, eventTypes: ['campaign.created'], description: 'd'.repeat(501) }, 'description']
    ]
    for (const [payload, path] of cases) {
      const res = await create(h, owner, payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80))
      t.ok(json(res).errors?.some((e: any) => e.path === path), `names ${path}: ${res.body.slice(0, 300)}`)
    }
    const unknownBrand = await create(h, owner, { url: rx.url, eventTypes: ['campaign.created'], brandId: '00000000-0000-4000-8000-000000000000' })
    t.equal(unknownBrand.statusCode, 404)
  })

  t.test('other tenants, forbidden roles, brand-limited keys', async (t) => {
    const theirs = json(await create(h, other, { url: rx.url, eventTypes: ['campaign.created'] }))
    for (const [method, url] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/rotate-secret'], ['POST', '/test'], ['GET', '/deliveries']] as const) {
      const res = await h.inject({ method, url: `/v1/webhooks/${theirs.id}${url}`, headers: bearer(owner.token), ...(method === 'PATCH' ? { payload: { enabled: false } } : {}) })
      t.equal(res.statusCode, 404, `${method} ${url} ${res.body.slice(0, 200)}`)
    }
    t.notOk(json(await h.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(owner.token) })).data.some((w: any) => w.id === theirs.id))
    const theirBrand = await createBrand(h, other)
    t.equal((await create(h, owner, { url: rx.url, eventTypes: ['campaign.created'], brandId: theirBrand.id })).statusCode, 404)

    for (const role of ['manager', 'creator', 'analyst', 'client'] as const) {
      const m = await addMember(h, owner, role)
      t.equal((await create(h, m, { url: rx.url, eventTypes: ['campaign.created'] })).statusCode, 403, role)
      t.equal((await h.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(m.token) })).statusCode, 403, role)
    }
    const noScope = await createApiKey(h, owner, ['content:read'])
    t.equal((await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(noScope.secret), payload: { url: rx.url, eventTypes: ['campaign.created'] } })).statusCode, 403)

    const a = await createBrand(h, owner)
    const b = await createBrand(h, owner)
    const limited = await createApiKey(h, owner, ['webhooks:manage'], [a.id])
    const made = await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(limited.secret), payload: { url: rx.url, eventTypes: ['campaign.created'] } })
    t.equal(made.statusCode, 201)
    t.equal(json(made).brandId, a.id, "a one-brand key's subscription is limited to its brand")
    t.equal((await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(limited.secret), payload: { url: rx.url, eventTypes: ['campaign.created'], brandId: b.id } })).statusCode, 404)
    const wide = json(await create(h, owner, { url: rx.url, eventTypes: ['campaign.created'] }))
    t.equal((await h.inject({ method: 'GET', url: `/v1/webhooks/${wide.id}`, headers: bearer(limited.secret) })).statusCode, 404, 'an all-brands subscription is not a limited key\'s')
  })

  t.test('the event catalogue', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/event-types', headers: bearer(owner.token) })
    t.equal(res.statusCode, 200)
    const types = json(res).data
    for (const name of ['content_item.approved', 'content_item.submitted', 'campaign.created', 'webhook.disabled', 'webhook.test']) {
      const entry = types.find((e: any) => e.type === name)
      t.ok(entry?.description, name)
      t.equal(entry.example.type, name)
      t.equal(entry.dataSchema.type, 'object')
    }
    for (const e of types) t.match(e.type, /^[a-z0-9_]+(\.[a-z0-9_]+)+$/)
    t.equal((await h.inject({ method: 'GET', url: '/v1/event-types' })).statusCode, 401)
  })

  t.test('a test event reaches a real receiver, signed; 500 is logged; 410 disables', async (t) => {
    const made = json(await create(h, owner, { url: rx.url, eventTypes: ['webhook.test'] }))
    const before = rx.got.length
    // First send: the receiver answers 500 (scripted), logged as a failed attempt with the start of its body.
    const sent = await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/test`, headers: bearer(owner.token) })
    t.equal(sent.statusCode, 202)
    const first = await settled(h, owner, made.id, json(sent).id)
    t.equal(first.lastAttempt.statusCode, 500)
    t.equal(first.lastAttempt.errorClass, 'http_status')
    t.equal(first.lastAttempt.responseBody.length, 1024, 'at most 1 KB of the answer is kept')
    t.equal(first.status, 'pending')
    const got = await rx.next(before + 1)
    const payload = new Webhook(made.secret).verify(got.body, got.headers as Record<string, string>) as any
    t.equal(payload.type, 'webhook.test')
    t.equal(payload.id, json(sent).eventId)
    t.equal(got.headers['webhook-id'], json(sent).eventId)
    t.equal(payload.data.id, made.id)
    t.equal(payload.data.organizationId, owner.orgId)

    // By hand again: the same webhook-id and body; the receiver now answers 410.
    const again = await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/deliveries/${json(sent).id}/redeliver`, headers: bearer(owner.token) })
    t.equal(again.statusCode, 202)
    const second = await rx.next(before + 2)
    t.equal(second.body, got.body, 'same body')
    t.equal(second.headers['webhook-id'], got.headers['webhook-id'], 'same webhook-id')
    let hook: any
    for (let i = 0; i < 200; i++) {
      hook = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${made.id}`, headers: bearer(owner.token) }))
      if (!hook.enabled) break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    t.equal(hook.enabled, false, '410 disables at once')
    t.equal(hook.disabledReason, 'gone')
    const [disabled] = await h.sql("SELECT actor_type FROM events WHERE subject_id = $1 AND type = 'webhook.disabled'", [made.id])
    t.equal(disabled?.actor_type, 'system', 'webhook.disabled, by the system')
    const attempts = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${made.id}/deliveries/${json(sent).id}/attempts?sort=createdAt`, headers: bearer(owner.token) })).data
    t.same(attempts.map((a: any) => [a.attemptNumber, a.statusCode]), [[1, 500], [2, 410]])
    t.equal((await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/test`, headers: bearer(owner.token) })).statusCode, 409, 'a disabled webhook takes no test')
    const deliveries = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${made.id}/deliveries?eventId=${json(sent).eventId}`, headers: bearer(owner.token) })).data
    t.equal(deliveries.length, 1)
    t.equal(deliveries[0].status, 'failed')
  })

  t.test('rotation: both secrets verify during the overlap, only the new one without it', async (t) => {
    const made = json(await create(h, owner, { url: rx.url, eventTypes: ['webhook.test'] }))
    const rotated = await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/rotate-secret`, headers: bearer(owner.token), payload: {} })
    t.equal(rotated.statusCode, 200)
    const fresh = json(rotated)
    t.not(fresh.secret, made.secret)
    t.ok(fresh.previousSecretExpiresAt && Date.parse(fresh.previousSecretExpiresAt) > Date.now() + 23 * 3600_000, 'overlap of 24 h by default')
    const sent = json(await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/test`, headers: bearer(owner.token) }))
    await settled(h, owner, made.id, sent.id)
    const got = rx.got.find((r) => r.headers['webhook-id'] === sent.eventId)!
    t.equal(String(got.headers['webhook-signature']).split(' ').length, 2)
    t.ok(new Webhook(made.secret).verify(got.body, got.headers as Record<string, string>), 'old secret verifies')
    t.ok(new Webhook(fresh.secret).verify(got.body, got.headers as Record<string, string>), 'new secret verifies')

    const now = json(await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/rotate-secret`, headers: bearer(owner.token), payload: { overlapHours: 0 } }))
    t.equal(now.previousSecretExpiresAt, null)
    const sent2 = json(await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/test`, headers: bearer(owner.token) }))
    await settled(h, owner, made.id, sent2.id)
    const got2 = rx.got.find((r) => r.headers['webhook-id'] === sent2.eventId)!
    t.ok(new Webhook(now.secret).verify(got2.body, got2.headers as Record<string, string>))
    t.throws(() => new Webhook(fresh.secret).verify(got2.body, got2.headers as Record<string, string>), 'the replaced secret no longer verifies')
    t.equal((await h.inject({ method: 'POST', url: `/v1/webhooks/${made.id}/rotate-secret`, headers: bearer(owner.token), payload: { overlapHours: -1 } })).statusCode, 400)
  })
})

t.test('SSRF: private targets are refused unless the operator allows them', async (t) => {
  const h = await createTestApp(t, { WEBHOOK_ALLOW_HTTP: 'true' })
  const owner = await signup(h, 'ssrf')
  for (const url of ['http://127.0.0.1:9/x', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/x', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://100.64.0.1/x', 'http://localhost:9/x']) {
    const res = await create(h, owner, { url, eventTypes: ['webhook.test'] })
    t.equal(res.statusCode, 400, url)
    t.ok(json(res).errors?.some((e: any) => e.path === 'url'), url)
    t.match(json(res).detail, /address|resolves/, json(res).detail)
  }
  t.match(json(await create(h, owner, { url: 'http://169.254.169.254/', eventTypes: ['webhook.test'] })).detail, /metadata/)
})

t.test('https only unless configured', async (t) => {
  const h = await createTestApp(t, { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
  const owner = await signup(h, 'https')
  const res = await create(h, owner, { url: 'http://127.0.0.1:9/x', eventTypes: ['webhook.test'] })
  t.equal(res.statusCode, 400)
  t.match(json(res).detail, /https/)
})
