import t from 'tap'
import { z } from 'zod'
import { normalizeInput, parseInput } from '../../src/graphql/input.js'
import { UpdateContentItemBody } from '../../src/modules/content-items/content-items.schemas.js'

// GraphQL clients send unset optional fields as null; the REST schema says which fields null
// clears. One helper, driven by the schema, replaces the per-module lists of clearable fields.

const Schema = z.strictObject({
  name: z.string().optional(),
  link: z.string().nullable().optional(),
  steps: z.array(z.strictObject({ title: z.string(), roles: z.array(z.string()).optional(), note: z.string().nullable().optional() })).optional()
})

t.test('null means absent, except where the schema accepts null', async (t) => {
  t.same(normalizeInput(Schema, { name: null, link: null }), { link: null })
  t.same(normalizeInput(Schema, { steps: [{ title: 'a', roles: null, note: null }] }), { steps: [{ title: 'a', note: null }] }, 'through lists of objects')
  t.same(normalizeInput(Schema, { nope: null }), { nope: null }, 'an unknown field is left for strict parsing to name')
  t.throws(() => parseInput(Schema, { nope: 1 }), { code: 'HERALD_VALIDATION' })
  t.same(parseInput(Schema, undefined), {}, 'an optional input object not given is an empty one')
})

t.test('the fields an update clears are the ones its schema lets be null', async (t) => {
  const cleared = Object.keys(normalizeInput(UpdateContentItemBody, Object.fromEntries(Object.keys(UpdateContentItemBody.shape).map((k) => [k, null]))) as object)
  t.same(cleared.sort(), ['assigneeId', 'campaignId', 'firstComment', 'link', 'scheduledAt', 'scheduledLocal'])
})
