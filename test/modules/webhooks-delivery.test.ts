import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey, createBrand, signup } from '../factories.js'
import { createCampaign } from '../factories-campaigns.js'
import { receiver, type Received } from '../webhook-receiver.js'
import { nextDelaySeconds, RETRY_DELAYS_SECONDS } from '../../src/modules/webhooks/webhook-schedule.js'

// Delivery from the outbox on the job queue: every event that matches an enabled subscription
// reaches a real receiver on 127.0.0.1, verified with the unmodified standardwebhooks package.

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' }
const typeOf = (r: Received) => JSON.parse(r.body).type as string
const dataOf = (r: Received) => JSON.parse(r.body).data

t.test('the retry schedule spans about three days, each delay within [base, base × 1.25]', async (t) => {
  const total = RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)
  t.ok(total >= 3 * 86_400, `${total} s`)
  for (let n = 1; n <= RETRY_DELAYS_SECONDS.length; n++) {
    const base = RETRY_DELAYS_SECONDS[n - 1]
    t.equal(nextDelaySeconds(n, null, () => 0), base)
    t.equal(nextDelaySeconds(n, null, () => 1), base * 1.25)
    const d = nextDelaySeconds(n)!
    t.ok(d >= base && d <= base * 1.25)
  }
  t.equal(nextDelaySeconds(RETRY_DELAYS_SECONDS.length + 1), null, 'then the delivery has failed')
  t.equal(nextDelaySeconds(1, 60, () => 0), 60, 'Retry-After postpones it at least that long')
})

t.test('delivery from the outbox', async (t) => {
  const h = await createTestApp(t, ENV)
  const owner = await signup(h, 'deliver')
  const other = await signup(h, 'deliver-other')
  const a = await createBrand(h, owner)
  const b = await createBrand(h, owner)

  t.test('matching events arrive signed within a second; type, brand and tenant filters hold', async (t) => {
    const rx = await receiver(t)
    const all = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.*'] } }))
    const rxA = await receiver(t)
    const onlyA = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rxA.url, eventTypes: ['campaign.created'], brandId: a.id } }))
    const rxOther = await receiver(t)
    await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(other.token), payload: { url: rxOther.url, eventTypes: ['campaign.*'] } })
    const rxKey = await receiver(t)
    const keyB = await createApiKey(h, owner, ['webhooks:manage'], [b.id])
    const byKey = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(keyB.secret), payload: { url: rxKey.url, eventTypes: ['campaign.created'] } }))

    const started = Date.now()
    const inA = await createCampaign(h, owner, a.id)
    await rx.until((g) => g.length >= 1)
    // Promptly, not on some later sweep: the job is added with the change and a worker polls
    // every 100 ms here. The bound is loose on purpose (two shared cores, another test file
    // beside this one); speed is the benchmarks' business (bench/webhooks.ts), not this test's.
    t.ok(Date.now() - started < 5000, `delivered ${Date.now() - started} ms after the commit`)
    const inB = await createCampaign(h, owner, b.id)
    await rx.until((g) => g.length >= 2)
    await rxA.until((g) => g.length >= 1)
    await rxKey.until((g) => g.length >= 1)

    for (const [r, secret] of [[rx.got[0], all.secret], [rx.got[1], all.secret], [rxA.got[0], onlyA.secret], [rxKey.got[0], byKey.secret]] as const) {
      const verified = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as any
      t.equal(verified.type, 'campaign.created')
      t.equal(r.headers['webhook-id'], verified.id, 'webhook-id is the event id')
      t.equal(verified.data.organizationId, owner.orgId)
      t.equal(verified.data.object, 'campaign')
      t.equal(verified.data.version, 1)
      t.ok(Buffer.byteLength(r.body) < 20_000, 'payload under 20 KB')
    }
    t.same(rx.got.map((r) => dataOf(r).id), [inA.id, inB.id])
    // Give anything wrongly owed the time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.same(rxA.got.map((r) => dataOf(r).id), [inA.id], "a brand filter keeps other brands' events out")
    t.same(rxKey.got.map((r) => dataOf(r).id), [inB.id], "a brand-limited key's subscription never gets other brands")
    t.equal(rxOther.got.length, 0, "another organization's subscription gets nothing")
    t.ok(rx.got.every((r) => typeOf(r).startsWith('campaign.')), 'only the types subscribed')

    // Unsubscribe (REST hooks): nothing more arrives.
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/webhooks/${all.id}`, headers: bearer(owner.token) })).statusCode, 204)
    await createCampaign(h, owner, a.id)
    await rxA.until((g) => g.length >= 2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.equal(rx.got.length, 2, 'a deleted subscription gets nothing more')
  })

  t.test('500 then 200: the event arrives on retry, with the same webhook-id and body', async (t) => {
    const rx = await receiver(t, [500])
    const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.created'], brandId: b.id } }))
    await createCampaign(h, owner, b.id)
    await rx.until((g) => g.length >= 1)
    let delivery: any
    for (let i = 0; i < 100; i++) {
      [delivery] = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries`, headers: bearer(owner.token) })).data
      if (delivery?.attempts >= 1) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    t.equal(delivery.status, 'pending')
    t.equal(delivery.lastAttempt.statusCode, 500)
    t.ok(Date.parse(delivery.nextAttemptAt) - Date.now() > 3000, 'the next attempt is about 5 s away')
    await rx.until((g) => g.length >= 2, 15_000)
    t.equal(rx.got[1].headers['webhook-id'], rx.got[0].headers['webhook-id'])
    t.equal(rx.got[1].body, rx.got[0].body)
    t.ok(new Webhook(hook.secret).verify(rx.got[1].body, rx.got[1].headers as Record<string, string>))
    let final: any
    for (let i = 0; i < 100; i++) {
      final = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries/${delivery.id}`, headers: bearer(owner.token) }))
      if (final.status === 'succeeded') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.equal(final.status, 'succeeded')
    t.equal(final.attempts, 2)
  })

  t.test('410 disables at once; re-enabling resumes what is pending', async (t) => {
    const rx = await receiver(t, [410])
    const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.updated', 'campaign.created'], brandId: a.id } }))
    const c = await createCampaign(h, owner, a.id)
    await rx.until((g) => g.length >= 1)
    let read: any
    for (let i = 0; i < 100; i++) {
      read = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) }))
      if (!read.enabled) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.equal(read.enabled, false)
    t.equal(read.disabledReason, 'gone')
    const [disabled] = await h.sql("SELECT data FROM events WHERE type = 'webhook.disabled' AND subject_id = $1", [hook.id])
    t.equal(disabled.data.reason, 'gone')
    // Disabled: a new event is not owed to it.
    await h.inject({ method: 'PATCH', url: `/v1/campaigns/${c.id}`, headers: bearer(owner.token), payload: { name: 'renamed' } })
    await new Promise((resolve) => setTimeout(resolve, 300))
    t.equal(rx.got.length, 1)
    const [{ n }] = await h.sql('SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1', [hook.id])
    t.equal(n, 1)
  })

  t.test('re-enabling sends what was still pending', async (t) => {
    const rx = await receiver(t)
    const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.created'], brandId: a.id } }))
    // A pending delivery whose subscription is disabled waits: disable it in the same breath as the event.
    await h.sql('UPDATE webhook_subscriptions SET enabled = false WHERE id = $1', [hook.id])
    await h.sql(`INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, event_type)
      SELECT organization_id, $1, id, type FROM events WHERE organization_id = $2 AND type = 'campaign.created' ORDER BY seq DESC LIMIT 1`, [hook.id, owner.orgId])
    const v = json(await h.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) })).version
    const res = await h.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: { ...bearer(owner.token), 'if-match': `"${v}"` }, payload: { enabled: true } })
    t.equal(res.statusCode, 200)
    await rx.until((g) => g.length >= 1)
    t.equal(typeOf(rx.got[0]), 'campaign.created')
  })
})
