import t from 'tap'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Webhook } from 'standardwebhooks'
import { runningHerald } from '../running-herald.js'
import { receiver, type Received } from '../webhook-receiver.js'
import { ROOT } from '../faults/process.js'
import { unique } from '../helper.js'

// The Zapier integration (integrations/zapier), run by zapier-platform-core's appTester against
// a real Herald started by the test (its own process and database, webhooks allowed to reach
// 127.0.0.1): nothing is mocked. Each REST-hook trigger subscribes a real receiver, a real
// change delivers a signed event to it, and the trigger's perform turns what arrived into the
// Zapier record.

const ZAPIER_DIR = path.join(ROOT, 'integrations/zapier')
if (!existsSync(path.join(ZAPIER_DIR, 'node_modules', 'zapier-platform-core'))) {
  throw new Error('integrations/zapier has its own dependencies and they are not installed: run `npm ci --prefix integrations/zapier` (as .ci/run does) before the tests')
}
const requireZapier = createRequire(path.join(ZAPIER_DIR, 'index.js'))
const App = requireZapier('./index.js')
const zapier = requireZapier('zapier-platform-core')
// The check `zapier validate` makes of the definition against Zapier's schema (the version is pinned).
const zapierSchema = requireZapier('./node_modules/zapier-platform-core/src/tools/schema.js')
// Zapier's log server is only used with a token; the tests send nothing outside 127.0.0.1.
delete process.env.LOGGING_TOKEN
const appTester = zapier.createAppTester(App)

/** A Zapier error thrown by the app: AppError carries { message, code, status } as JSON. */
function zapierError (err: any): { name: string, message: string, code?: string, status?: number } {
  if (err?.name === 'AppError') return { name: err.name, ...JSON.parse(err.message) }
  return { name: err?.name, message: String(err?.message) }
}
async function refusal (p: Promise<unknown>) {
  try {
    await p
  } catch (err) {
    return zapierError(err)
  }
  throw new Error('expected the operation to fail')
}

t.test('the app definition is valid for Zapier', async (t) => {
  t.same(zapierSchema.validateApp(zapierSchema.compileApp(App)), [], 'no schema errors')
  t.equal(App.platformVersion, zapier.version)
  t.same(Object.keys(App.triggers).sort(), ['brand', 'campaign', 'content_item_approved', 'content_item_created', 'content_item_publish_requested', 'content_item_published', 'social_account'])
  t.same(Object.keys(App.creates).sort(), ['content_item', 'metric', 'publish_result', 'submit_content_item'])
  t.same(Object.keys(App.searches), ['campaign'])
})

t.test('against a real Herald', async (t) => {
  const { base } = await runningHerald(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8', HERALD_ROLE: 'all', JOBS_POLL_INTERVAL_MS: '100' })

  async function api (method: string, url: string, token: string, body?: unknown): Promise<{ status: number, body: any }> {
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
  async function ok (method: string, url: string, token: string, body?: unknown) {
    const res = await api(method, url, token, body)
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  // An agency, a brand with an X account, and the key the Zap connects with.
  const signup = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: unique('zap'), name: 'Ada', email: `${unique('ada')}@example.com`, password: 'correct horse battery staple' })
  })
  t.equal(signup.status, 201)
  const { accessToken: owner, organization } = await signup.json() as { accessToken: string, organization: { id: string, name: string } }
  const brand = await ok('POST', '/v1/brands', owner, { name: unique('brand'), timeZone: 'Europe/Paris' })
  const account = await ok('POST', '/v1/social-accounts', owner, { brandId: brand.id, platform: 'x', handle: unique('h').replace(/-/g, '').slice(0, 15) })
  const scopes = ['brands:read', 'campaigns:read', 'content:read', 'content:write', 'events:read', 'webhooks:manage', 'publishing:write', 'metrics:write']
  const key = await ok('POST', '/v1/api-keys', owner, { name: 'Zapier', scopes })
  const authData = { baseUrl: base, apiKey: key.secret }

  t.test('authentication: GET /v1/me with the key, and the connection label', async (t) => {
    const me = await appTester(App.authentication.test, { authData })
    t.equal(me.kind, 'api_key')
    t.equal(me.organization.id, organization.id)
    t.same(me.scopes.slice().sort(), scopes.slice().sort())
    t.equal(await appTester(App.authentication.connectionLabel, { authData, inputData: me }), `${organization.name} (Zapier)`)

    // A revoked key, and a key of the right shape with a wrong secret.
    const revoked = await ok('POST', '/v1/api-keys', owner, { name: 'revoked', scopes: ['content:read'] })
    await ok('DELETE', `/v1/api-keys/${revoked.id}`, owner)
    const wrong = key.secret.slice(0, -4) + (key.secret.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    for (const apiKey of [revoked.secret, wrong]) {
      const problem = (await api('GET', '/v1/me', apiKey)).body
      t.equal(problem.status, 401)
      const bad = await refusal(appTester(App.authentication.test, { authData: { ...authData, apiKey } }))
      t.equal(bad.name, 'ExpiredAuthError', 'a refused key asks the user to reconnect')
      t.match(bad.message, `${problem.title}: ${problem.detail}`, "Herald's problem is what the user reads")
    }

    const http = await refusal(appTester(App.authentication.test, { authData: { ...authData, baseUrl: 'http://herald.example.com' } }))
    t.match(http.message, /must use https/, 'the key is never sent over plain http to a remote host')
    const none = await refusal(appTester(App.authentication.test, { authData: { apiKey: key.secret } }))
    t.match(none.message, /Herald URL missing/)
  })

  t.test('REST-hook triggers: subscribe, a real signed delivery, perform, samples, unsubscribe', async (t) => {
    const triggers = ['content_item_created', 'content_item_approved', 'content_item_publish_requested', 'content_item_published'] as const
    const types = { content_item_created: 'content_item.created', content_item_approved: 'content_item.approved', content_item_publish_requested: 'content_item.publish_requested', content_item_published: 'content_item.published' }
    const catalogue = (await ok('GET', '/v1/event-types', owner)).data.map((e: { type: string }) => e.type)
    for (const k of triggers) t.ok(catalogue.includes(types[k]), `${types[k]} is in Herald's event catalogue`)
    const rx: Record<string, Awaited<ReturnType<typeof receiver>>> = {}
    const subs: Record<string, any> = {}
    for (const k of triggers) {
      rx[k] = await receiver(t)
      // What Zapier does when a Zap is turned on: subscribeData is what performSubscribe returned.
      subs[k] = await appTester(App.triggers[k].operation.performSubscribe, { authData, targetUrl: rx[k].url, inputData: { brandId: brand.id } })
      const hook = await ok('GET', `/v1/webhooks/${subs[k].id}`, owner)
      t.match(hook, { url: rx[k].url, eventTypes: [types[k]], brandId: brand.id, enabled: true }, `${k}: a Herald webhook for the Zap's URL`)
      t.match(subs[k].secret, /^whsec_/)
    }

    /** The one delivery a receiver got, verified with the unmodified standardwebhooks package. */
    async function delivered (k: typeof triggers[number]): Promise<{ got: Received, envelope: any }> {
      await rx[k].until((g) => g.length >= 1, 20_000)
      const got = rx[k].got[0]
      const envelope = new Webhook(subs[k].secret).verify(got.body, got.headers as Record<string, string>) as any
      t.equal(envelope.type, types[k], `${k}: the event subscribed`)
      t.equal(got.headers['webhook-id'], envelope.id)
      return { got, envelope }
    }
    /** perform on what arrived → one record; performList's newest sample is the same record. */
    async function record (k: typeof triggers[number], envelope: any) {
      const records = await appTester(App.triggers[k].operation.perform, { authData, inputData: { brandId: brand.id }, cleanedRequest: envelope, subscribeData: subs[k] })
      t.equal(records.length, 1)
      const [r] = records
      t.equal(r.id, envelope.id, 'the record id is the event id')
      t.equal(r.eventType, types[k])
      t.equal(r.brandId, brand.id)
      const samples = await appTester(App.triggers[k].operation.performList, { authData, inputData: { brandId: brand.id } })
      t.same(samples[0], r, `${k}: the sample (GET /v1/events) has the shape of a delivered record`)
      return r
    }

    // New content item: created by the "Create Content Item" action.
    const item = await appTester(App.creates.content_item.operation.perform, {
      authData,
      inputData: { brandId: brand.id, title: 'Spring launch', kind: 'post', body: 'Spring blend is here', socialAccountIds: [account.id], hashtags: [], labels: ['zapier'] }
    })
    t.match(item, { brandId: brand.id, title: 'Spring launch', status: 'draft', labels: ['zapier'], targets: [{ socialAccountId: account.id }] })
    const created = await record('content_item_created', (await delivered('content_item_created')).envelope)
    t.equal(created.contentItemId, item.id)
    t.match(created.contentItem, { id: item.id, title: 'Spring launch' })

    // Content approved: submitted by the "Submit" action, approved by the owner (not its author).
    const submitted = await appTester(App.creates.submit_content_item.operation.perform, { authData, inputData: { contentItemId: item.id } })
    t.equal(submitted.status, 'in_review')
    const approval = await ok('GET', `/v1/content-items/${item.id}/approval`, owner)
    await ok('POST', `/v1/approval-requests/${approval.request.id}/decisions`, owner, { decision: 'approve' })
    const approved = await record('content_item_approved', (await delivered('content_item_approved')).envelope)
    t.equal(approved.contentItemId, item.id)
    t.equal(approved.requestId, approval.request.id)

    // Publish requested: scheduled a moment ahead, the worker hands it over.
    // (Far enough ahead that the request, on a loaded machine, still arrives before it.)
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000).toISOString()
    await ok('POST', `/v1/content-items/${item.id}/schedule`, owner, { scheduledAt: at })
    const requested = await record('content_item_publish_requested', (await delivered('content_item_publish_requested')).envelope)
    t.equal(requested.contentItemId, item.id)
    t.equal(requested.targetId, item.targets[0].id)
    t.equal(requested.text, 'Spring blend is here')
    t.match(requested.socialAccount, { id: account.id, platform: 'x', handle: account.handle })

    // Content published: the "Report Publish Result" action, fed from the requested record.
    const report = { contentItemId: requested.contentItemId, targetId: requested.targetId, status: 'published', externalId: '1902837465', url: 'https://x.com/zap/status/1902837465' }
    const missing = await refusal(appTester(App.creates.publish_result.operation.perform, { authData, inputData: { ...report, externalId: '' } }))
    t.match(missing, { name: 'AppError', code: 'HERALD_VALIDATION', status: 400 })
    t.match(missing.message, /externalId/, 'the field at fault is named')
    const publication = await appTester(App.creates.publish_result.operation.perform, { authData, inputData: report })
    t.match(publication, { contentItemId: item.id, status: 'published', targets: [{ targetId: requested.targetId, externalId: '1902837465' }] })
    const published = await record('content_item_published', (await delivered('content_item_published')).envelope)
    t.equal(published.contentItemId, item.id)
    t.equal((await ok('GET', `/v1/content-items/${item.id}`, owner)).status, 'published')
    const again = await refusal(appTester(App.creates.publish_result.operation.perform, { authData, inputData: { ...report, status: 'failed', reason: 'rate limited' } }))
    t.match(again, { code: 'HERALD_CONFLICT', status: 409 }, 'a different outcome for a reported target is refused, as Herald says')

    // A webhook.test sent from Herald to the Zap's URL starts no Zap.
    t.same(await appTester(App.triggers.content_item_created.operation.perform, { authData, cleanedRequest: { id: 'x', type: 'webhook.test', timestamp: at, data: { object: 'webhook' } } }), [])

    // Turning the Zaps off deletes the webhooks; nothing more arrives.
    for (const k of triggers) {
      t.same(await appTester(App.triggers[k].operation.performUnsubscribe, { authData, subscribeData: subs[k] }), { id: subs[k].id })
      t.equal((await api('GET', `/v1/webhooks/${subs[k].id}`, owner)).status, 404, `${k}: the webhook is gone`)
    }
    await appTester(App.creates.content_item.operation.perform, { authData, inputData: { brandId: brand.id, title: 'After', kind: 'post' } })
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.equal(rx.content_item_created.got.length, 1, 'an unsubscribed Zap receives nothing more')
    for (const k of triggers) t.equal(rx[k].got.length, 1, `${k}: each event delivered once`)
  })

  t.test('subscribing needs webhooks:manage: the refusal names the scope', async (t) => {
    const weak = await ok('POST', '/v1/api-keys', owner, { name: 'weak', scopes: ['content:read'] })
    const rx = await receiver(t)
    const err = await refusal(appTester(App.triggers.content_item_created.operation.performSubscribe, { authData: { ...authData, apiKey: weak.secret }, targetUrl: rx.url, inputData: {} }))
    t.match(err, { name: 'AppError', status: 403 })
    t.match(err.message, /webhooks:manage/)
  })

  t.test('actions refuse bad input with what Herald said', async (t) => {
    const bad = await refusal(appTester(App.creates.content_item.operation.perform, { authData, inputData: { brandId: 'not-a-uuid', title: 'x', kind: 'post' } }))
    t.match(bad, { name: 'AppError', code: 'HERALD_VALIDATION', status: 400 })
    t.match(bad.message, /brandId/)
    const other = await refusal(appTester(App.creates.content_item.operation.perform, { authData, inputData: { brandId: brand.id, title: 'x', kind: 'poem' } }))
    t.match(other.message, /kind/)
    const unknown = await refusal(appTester(App.creates.submit_content_item.operation.perform, { authData, inputData: { contentItemId: '00000000-0000-4000-8000-000000000000' } }))
    t.match(unknown, { code: 'HERALD_NOT_FOUND', status: 404 })
  })

  t.test('polling trigger: campaigns newest first, with stable ids', async (t) => {
    const names = ['Alpha', 'Beta', 'Gamma'].map((n) => unique(n))
    const made: any[] = []
    for (const name of names) made.push(await ok('POST', '/v1/campaigns', owner, { brandId: brand.id, name, objective: 'awareness' }))
    const first = await appTester(App.triggers.campaign.operation.perform, { authData, inputData: {} })
    t.same(first.slice(0, 3).map((c: any) => c.id), made.map((c) => c.id).reverse(), 'newest first')
    t.ok(first.every((c: any) => typeof c.id === 'string'), 'every record has an id for deduplication')
    const second = await appTester(App.triggers.campaign.operation.perform, { authData, inputData: { brandId: brand.id } })
    t.same(second.map((c: any) => c.id), first.map((c: any) => c.id), 'the same ids on the next poll')

    t.test('search: a campaign by name', async (t) => {
      const found = await appTester(App.searches.campaign.operation.perform, { authData, inputData: { name: `  ${names[1].toUpperCase()} ` } })
      t.same(found.map((c: any) => c.id), [made[1].id], 'exact name, ignoring case and spaces')
      t.same(await appTester(App.searches.campaign.operation.perform, { authData, inputData: { name: 'No such campaign' } }), [])
      t.same(await appTester(App.searches.campaign.operation.perform, { authData, inputData: { name: names[0].slice(0, 3) } }), [], 'a prefix is not the name')
    })
  })

  t.test('dropdowns: brands and social accounts', async (t) => {
    const brands = await appTester(App.triggers.brand.operation.perform, { authData, inputData: {} })
    t.same(brands.map((b: any) => b.id), [brand.id])
    const accounts = await appTester(App.triggers.social_account.operation.perform, { authData, inputData: { brandId: brand.id } })
    t.match(accounts, [{ id: account.id, label: `x @${account.handle}` }])
  })

  t.test('ingest a metric: inserted once, unchanged when the Zap runs again', async (t) => {
    const campaign = await ok('POST', '/v1/campaigns', owner, { brandId: brand.id, name: unique('metrics'), objective: 'awareness' })
    const inputData = { subjectType: 'campaign', subjectId: campaign.id, metric: 'impressions', granularity: 'day', periodStart: '2026-03-29', value: '1200', collectedAt: '2026-03-30T06:00:00Z' }
    t.same(await appTester(App.creates.metric.operation.perform, { authData, inputData }), { received: 1, inserted: 1, updated: 0, unchanged: 0 })
    t.same(await appTester(App.creates.metric.operation.perform, { authData, inputData }), { received: 1, inserted: 0, updated: 0, unchanged: 1 })
    const money = await refusal(appTester(App.creates.metric.operation.perform, { authData, inputData: { ...inputData, metric: 'spend' } }))
    t.match(money, { code: 'HERALD_VALIDATION', status: 400 })
    t.match(money.message, /currency/)
    const unknown = await refusal(appTester(App.creates.metric.operation.perform, { authData, inputData: { ...inputData, subjectId: '00000000-0000-4000-8000-000000000000' } }))
    t.ok(unknown.status === 404 || unknown.status === 400 || unknown.status === 422, `an unknown campaign is refused (${unknown.status} ${unknown.code})`)
  })
})
