import { z } from 'zod'
import type { OutboxEvent } from './webhooks.queries.js'

// What a receiver gets: the Standard Webhooks envelope { id, type, timestamp, data }, built
// only from the outbox row, so every retry of an event carries byte-for-byte the same body.
// `data` is the event's own data under a thin common head: which object it concerns (`object`
// and `id`), its organization and brand, and the object's version when the event carries it
// (receivers discard stale versions; fetch the object through the API when order matters).

export interface Envelope {
  id: string
  type: string
  timestamp: string
  data: Record<string, unknown>
}

/** The version of the object the event carries (e.g. data.campaign.version), if any. */
function versionOf (data: Record<string, unknown>): number | null {
  if (typeof data.version === 'number') return data.version
  for (const v of Object.values(data)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { version?: unknown }).version === 'number') return (v as { version: number }).version
  }
  return null
}

export function envelopeOf (orgId: string, e: OutboxEvent): Envelope {
  const own = (e.data ?? {}) as Record<string, unknown>
  return {
    id: e.id,
    type: e.type,
    timestamp: e.createdAt.toISOString(),
    data: { object: e.subjectType, id: e.subjectId, organizationId: orgId, brandId: e.brandId, version: versionOf(own), ...own }
  }
}

type Json = Record<string, any>

/** What every event's `data` starts with (envelopeOf); each type adds its own fields. */
const HEAD_PROPERTIES: Json = {
  object: { type: 'string', description: 'What the event concerns, e.g. content_item, campaign, webhook.' },
  id: { type: 'string', format: 'uuid', description: 'The id of that object.' },
  organizationId: { type: 'string', format: 'uuid' },
  brandId: { type: ['string', 'null'], format: 'uuid', description: 'null for organization-level events.' },
  version: { type: ['integer', 'null'], description: "The object's version after the change, when the event carries the object." }
}

/**
 * JSON Schema (2020-12) of a type's `data`: the common head and the type's own fields, from the
 * zod schema its module declared with the type (the one source of the catalogue and of
 * openapi.yaml's webhooks). No member outside these is sent.
 */
export function dataSchemaOf (type: string, own: z.ZodObject<any>): Json {
  const { $schema: _drop, properties = {}, required = [], ...rest } = z.toJSONSchema(own, { io: 'output', unrepresentable: 'any' }) as Json
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${type} data`,
    ...rest,
    type: 'object',
    required: [...new Set([...Object.keys(HEAD_PROPERTIES), ...required as string[]])],
    properties: { ...HEAD_PROPERTIES, ...properties },
    additionalProperties: false
  }
}

const EXAMPLE_IDS = ['6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', '0190f5a2-7c1e-4b3a-9d4e-2f6a8b1c3d5e']

/** A value that fits a JSON Schema, for documentation (every optional member shown too). */
function exampleValue (schema: Json, name = ''): unknown {
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0]
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const branches = (schema.anyOf ?? schema.oneOf) as Json[] | undefined
  if (branches) return exampleValue(branches.find((b) => b.type !== 'null') ?? branches[0], name)
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') ?? 'null' : schema.type
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Json
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleValue(v as Json, k)]))
    }
    case 'array': return schema.items ? [exampleValue(schema.items as Json, name)] : []
    case 'integer': case 'number': return Math.max(1, Number(schema.minimum ?? 1))
    case 'boolean': return false
    case 'null': return null
    case 'string':
      if (schema.format === 'uuid') return EXAMPLE_IDS[name.length % EXAMPLE_IDS.length]
      if (schema.format === 'date-time') return '2025-03-03T12:00:00.000Z'
      if (schema.format === 'email') return 'someone@example.com'
      if (schema.format === 'uri') return 'https://example.com/'
      return name.endsWith('At') ? '2025-03-03T12:00:00.000Z' : name
    default: return {}
  }
}

/** A complete envelope for a type as a receiver gets it (ids are examples), from its data schema. */
export function exampleOf (type: string, dataSchema: Json): Envelope {
  const data = exampleValue(dataSchema) as Record<string, unknown>
  return {
    id: '0190f5a2-7c1e-7b3a-9d4e-2f6a8b1c3d5e',
    type,
    timestamp: '2025-03-03T12:00:00.000Z',
    data: { ...data, object: type.slice(0, type.lastIndexOf('.')), id: EXAMPLE_IDS[0], organizationId: EXAMPLE_IDS[1], brandId: EXAMPLE_IDS[2], version: typeof data.version === 'number' ? data.version : 2 }
  }
}
