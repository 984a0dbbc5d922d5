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

/** JSON Schema of `data` common to every event type (each type adds its own fields). */
export function dataSchemaOf (type: string): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${type} data`,
    type: 'object',
    required: ['object', 'id', 'organizationId', 'brandId', 'version'],
    properties: {
      object: { type: 'string', description: 'What the event concerns, e.g. content_item, campaign, webhook.' },
      id: { type: 'string', format: 'uuid', description: 'The id of that object.' },
      organizationId: { type: 'string', format: 'uuid' },
      brandId: { type: ['string', 'null'], format: 'uuid', description: 'null for organization-level events.' },
      version: { type: ['integer', 'null'], description: "The object's version after the change, when the event carries the object." }
    },
    additionalProperties: true
  }
}

/** A complete envelope for a type, as documentation (ids are examples). */
export function exampleOf (type: string): Envelope {
  const object = type.slice(0, type.lastIndexOf('.'))
  return {
    id: '0190f5a2-7c1e-7b3a-9d4e-2f6a8b1c3d5e',
    type,
    timestamp: '2025-03-03T12:00:00.000Z',
    data: { object, id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', organizationId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', brandId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', version: 2 }
  }
}
