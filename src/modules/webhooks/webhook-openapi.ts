import type { EventTypeDto } from './webhooks.schemas.js'

// openapi.yaml's `webhooks` section, derived from the event catalogue (GET /v1/event-types):
// one entry per event type, its body the envelope with that type's `data` schema. The schemas
// come from the zod schemas each module declares with its event types, so the catalogue and the
// contract have one source; test/modules/event-catalogue.test.ts fails when openapi.yaml is
// behind, and rewrites the section when run with UPDATE_OPENAPI_WEBHOOKS=1.
//
// The contract's linters want every value bounded (OWASP API4): strings get a maxLength (or
// keep their enum/const/uuid format), integers a format and a range, arrays a maxItems. These
// bounds say what Herald sends at most, not more than the catalogue's schema promises.

type Json = Record<string, any>

const INT_RANGE = { format: 'int64', minimum: -9007199254740991, maximum: 9007199254740991 }

function bounded (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(bounded)
  if (!schema || typeof schema !== 'object') return schema
  const s: Json = {}
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === '$schema' || k === 'title') continue
    if (k === 'properties') s[k] = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, bounded(ps)]))
    else s[k] = bounded(v)
  }
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.const === undefined && s.format !== 'uuid' && s.format !== 'date') {
    s.maxLength = s.format === 'date-time' ? 64 : 65_536
  }
  if (types.includes('integer') && s.format === undefined) Object.assign(s, INT_RANGE, { minimum: s.minimum ?? INT_RANGE.minimum, maximum: s.maximum ?? INT_RANGE.maximum })
  if (types.includes('array') && s.maxItems === undefined) s.maxItems = 10_000
  // A free-form member (a record of anything) is a plain object, as elsewhere in the contract.
  if (types.includes('object') && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    delete s.additionalProperties
    delete s.propertyNames
  }
  return s
}

const operationId = (type: string) => `on${type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`

const HEADERS = [
  { name: 'webhook-id', in: 'header', required: true, description: "The event's id; the same on every retry (dedupe on it).", schema: { type: 'string', maxLength: 100 } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'Unix seconds of this attempt.', schema: { type: 'string', maxLength: 20 } },
  { name: 'webhook-signature', in: 'header', required: true, description: 'Space-separated `v1,<base64>` HMAC-SHA256 signatures (two during a secret rotation).', schema: { type: 'string', maxLength: 1000 } }
]

/** The `webhooks` section of openapi.yaml for this catalogue. */
export function openapiWebhooks (catalogue: readonly EventTypeDto[]): Json {
  return Object.fromEntries(catalogue.map((t) => [t.type, {
    post: {
      operationId: operationId(t.type),
      summary: t.type,
      description: `${t.description} The body is the envelope every delivery has; \`data\` as below (also GET /v1/event-types).`,
      tags: ['Webhooks'],
      security: [],
      parameters: HEADERS,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            // The envelope (components WebhookEnvelope) with this type's data.
            schema: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'type', 'timestamp', 'data'],
              properties: {
                id: { type: 'string', format: 'uuid', description: "The event's id, also the webhook-id header." },
                type: { type: 'string', const: t.type },
                timestamp: { type: 'string', format: 'date-time', maxLength: 64, description: 'When the event happened.' },
                data: bounded(t.dataSchema)
              }
            },
            example: t.example
          }
        }
      },
      responses: {
        200: { description: 'Any 2xx within 15 s acknowledges the delivery; `410` unsubscribes; anything else is retried.' }
      }
    }
  }]))
}
