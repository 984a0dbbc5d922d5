import { readFileSync, writeFileSync } from 'node:fs'
import t from 'tap'
import { parse, stringify } from 'yaml'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey, createBrand, signup } from '../factories.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'
import { createItem } from '../factories-content.js'
import { receiver } from '../webhook-receiver.js'
import { openapiPath } from '../../src/plugins/openapi.js'
import { CAMPAIGN_STATUSES } from '../../src/db/tables/campaigns.js'
import { envelopeOf } from '../../src/modules/webhooks/webhook-envelope.js'
import { openapiWebhooks } from '../../src/modules/webhooks/webhook-openapi.js'

// The event catalogue (GET /v1/event-types) gives each type the JSON Schema of its `data` and
// an example, from the zod schema its module declares with it; openapi.yaml's `webhooks`
// section is derived from the same catalogue. Drift fails here three ways: a recorded event's
// envelope that does not validate against its type's schema, an example that does not, and
// an openapi.yaml behind the catalogue (UPDATE_OPENAPI_WEBHOOKS=1 rewrites the section).
// Every other test checks the events it records too: in tests, recording an event whose data
// does not fit its declared schema is refused (src/modules/events/events.service.ts).

const AjvClass = (Ajv2020 as any).default ?? Ajv2020
const ajv = new AjvClass({ strict: false, allErrors: true, validateFormats: true }) as import('ajv').default
;((addFormats as any).default ?? addFormats)(ajv)

t.test('event catalogue: a schema of data per type, examples, recorded events, openapi.yaml', async (t) => {
  const h = await createTestApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
  const owner = await signup(h, 'catalogue')
  const rx = await receiver(t)
  const res = await h.inject({ method: 'GET', url: '/v1/event-types', headers: bearer(owner.token) })
  t.equal(res.statusCode, 200)
  const catalogue = json(res).data as Array<{ type: string, description: string, dataSchema: Record<string, any>, example: Record<string, any> }>
  t.ok(catalogue.length >= 70, `${catalogue.length} event types`)
  const validators = new Map(catalogue.map((e) => [e.type, ajv.compile(e.dataSchema)]))

  t.test('each type documents its own fields, and its example fits its schema', async (t) => {
    for (const e of catalogue) {
      const own = Object.keys(e.dataSchema.properties).filter((k) => !['object', 'id', 'organizationId', 'brandId', 'version'].includes(k))
      t.ok(own.length > 0, `${e.type} has fields of its own (${own.join(', ')})`)
      t.equal(e.example.type, e.type)
      const validate = validators.get(e.type)!
      t.ok(validate(e.example.data), `${e.type} example: ${ajv.errorsText(validate.errors)}`)
    }
    const approved = catalogue.find((e) => e.type === 'content_item.approved')!
    t.match(approved.dataSchema.required, ['object', 'id', 'organizationId', 'brandId', 'version', 'requestId', 'contentItemId', 'revision', 'steps'])
    t.equal(approved.dataSchema.additionalProperties, false, 'a member the schema does not name is never sent')
    t.same(catalogue.find((e) => e.type === 'campaign.created')!.dataSchema.properties.campaign.properties.status.enum, [...CAMPAIGN_STATUSES])
  })

  t.test('what a flow records validates against the catalogue, as a receiver gets it', async (t) => {
    const brand = await createBrand(h, owner)
    const campaign = await createCampaign(h, owner, brand.id)
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/campaigns/${campaign.id}`, headers: { ...bearer(owner.token), 'if-match': `"${campaign.version}"` }, payload: { name: 'Renamed', status: 'planned' } })).statusCode, 200)
    const account = await createSocialAccount(h, owner, brand.id)
    await createItem(h, owner, { brandId: brand.id, targets: [{ socialAccountId: account.id }] })
    const key = await createApiKey(h, owner, ['content:read'])
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: bearer(owner.token) })).statusCode, 204)
    const hook = json(await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(owner.token), payload: { url: rx.url, eventTypes: ['campaign.*'] } }))
    t.equal((await h.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/test`, headers: bearer(owner.token) })).statusCode, 202)
    t.equal((await h.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}/rotate-secret`, headers: bearer(owner.token), payload: {} })).statusCode, 200)
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token), payload: { description: 'Changed' } })).statusCode, 200)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.id}`, headers: bearer(owner.token) })).statusCode, 204)

    const rows = await h.sql('SELECT id, type, subject_type AS "subjectType", subject_id AS "subjectId", brand_id AS "brandId", data, created_at AS "createdAt" FROM events WHERE organization_id = $1', [owner.orgId])
    const types = new Set<string>()
    for (const row of rows) {
      types.add(row.type)
      const envelope = JSON.parse(JSON.stringify(envelopeOf(owner.orgId, row)))
      const validate = validators.get(row.type)
      if (!validate) { t.fail(`${row.type} is not in the catalogue`); continue }
      if (!validate(envelope.data)) t.fail(`${row.type}: ${ajv.errorsText(validate.errors)}`, { data: envelope.data })
    }
    t.ok(types.size >= 15, `${rows.length} events of ${types.size} types validated: ${[...types].sort().join(', ')}`)
  })

  t.test("openapi.yaml's webhooks section is the catalogue's", async (t) => {
    const expected = openapiWebhooks(catalogue)
    const text = readFileSync(openapiPath, 'utf8')
    const current = parse(text).webhooks
    if (process.env.UPDATE_OPENAPI_WEBHOOKS) {
      const start = text.indexOf('\nwebhooks:\n')
      const end = text.indexOf('\ncomponents:\n')
      writeFileSync(openapiPath, `${text.slice(0, start + 1)}${stringify({ webhooks: expected }, { lineWidth: 0 })}${text.slice(end + 1)}`)
      t.comment('openapi.yaml webhooks rewritten')
    }
    t.same(Object.keys(current ?? {}), catalogue.map((e) => e.type), 'one entry per event type, in catalogue order')
    t.same(current, JSON.parse(JSON.stringify(expected)), 'each describes its payload as the catalogue does (UPDATE_OPENAPI_WEBHOOKS=1 to rewrite)')
  })
})
