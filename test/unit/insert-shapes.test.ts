import t from 'tap'
import { randomUUID } from 'node:crypto'
import { builder } from '../../src/db/client.js'
import { insertStatement } from '../../src/db/insert-shapes.js'
import { events } from '../../src/db/tables/events.js'
import { contentRevisions, contentTargets } from '../../src/db/tables/content-items.js'
import { webhookDeliveries } from '../../src/db/tables/webhooks.js'

// insertStatement builds an INSERT's text once per shape and only encodes the values of each
// call: what it returns must be exactly what drizzle's own builder writes for the same rows,
// on the first call of a shape and on every later one (from the kept text).

const drizzleOf = (table: any, rows: any[], onConflictDoNothing = false) => {
  const q = builder.insert(table).values(rows)
  return (onConflictDoNothing ? q.onConflictDoNothing() : q).toSQL()
}

const org = randomUUID()
const event = (i: number, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  organizationId: org,
  type: `thing.happened.${i}`,
  subjectType: 'content_item',
  subjectId: randomUUID(),
  actorType: 'member' as const,
  actorId: randomUUID(),
  actorLabel: `it's "${i}"`,
  data: { n: i, nested: { list: [1, 'two', null] } },
  ...extra
})

t.test('the same text and values as drizzle, first call and later calls of a shape', async (t) => {
  for (let i = 0; i < 3; i++) {
    const rows = [event(i)]
    t.same(insertStatement(events, rows), drizzleOf(events, rows), `event ${i}`)
  }
})

t.test('undefined is DEFAULT and null is NULL, per row, in multi-row inserts', async (t) => {
  const mixed = [event(1, { brandId: null, requestId: undefined }), event(2, { brandId: randomUUID(), requestId: 'req-2' }), event(3, { actorId: undefined })]
  t.same(insertStatement(events, mixed), drizzleOf(events, mixed))
  const again = [event(4, { brandId: null, requestId: undefined }), event(5, { brandId: randomUUID(), requestId: 'req-5' }), event(6, { actorId: undefined })]
  const ours = insertStatement(events, again)
  t.same(ours, drizzleOf(events, again), 'the kept text with the new values')
  t.match(ours.sql, /default/, 'an undefined column is written as default')
})

t.test('a shape differs by the columns set, the number of rows and ON CONFLICT', async (t) => {
  const one = [event(1)]
  const two = [event(2), event(3)]
  const partial = [event(4, { actorLabel: undefined, actorId: undefined })]
  for (const rows of [one, two, partial, one]) t.same(insertStatement(events, rows), drizzleOf(events, rows))
  const delivery = [{ id: randomUUID(), organizationId: org, subscriptionId: randomUUID(), eventId: randomUUID(), eventType: 'content_item.created' }]
  t.same(insertStatement(webhookDeliveries, delivery, { onConflictDoNothing: true }), drizzleOf(webhookDeliveries, delivery, true))
  t.same(insertStatement(webhookDeliveries, delivery), drizzleOf(webhookDeliveries, delivery))
})

t.test('jsonb, arrays, numbers and text in other tables', async (t) => {
  const item = randomUUID()
  const targets = [0, 1].map((position) => ({ id: randomUUID(), organizationId: org, contentItemId: item, socialAccountId: randomUUID(), position, body: position ? null : 'Own text', media: position ? null : [{ url: 'https://example.com/a.png', type: 'image' as const, altText: null, width: null, height: null }], firstComment: null }))
  t.same(insertStatement(contentTargets, targets), drizzleOf(contentTargets, targets))
  const revisions = [1, 2].map((revision) => ({ id: randomUUID(), organizationId: org, contentItemId: item, revision, actorType: 'member' as const, actorId: randomUUID(), changed: ['title', 'body'], snapshot: { title: `T${revision}`, tags: ['a', 'b'] }, createdAt: new Date(Date.UTC(2026, 11, revision)) }))
  t.same(insertStatement(contentRevisions, revisions), drizzleOf(contentRevisions, revisions))
  t.same(insertStatement(contentRevisions, revisions.slice(0, 1)), drizzleOf(contentRevisions, revisions.slice(0, 1)))
})

t.test('storedRow: a row as PostgreSQL stores it, every column given', async (t) => {
  const { storedRow } = await import('../../src/db/insert-shapes.js')
  const { contentItems } = await import('../../src/db/tables/content-items.js')
  const now = new Date('2030-01-02T03:04:05.678Z')
  const id = randomUUID()
  const row = storedRow(contentItems, { id, organizationId: org, brandId: org, title: 'T', kind: 'post', createdByType: 'member' }, now)
  t.same(row, { id, organizationId: org, brandId: org, campaignId: null, title: 'T', kind: 'post', body: '', media: [], link: null, hashtags: [], firstComment: null, labels: [], assigneeId: null, status: 'draft', archivedFrom: null, scheduledAt: null, scheduledLocal: null, scheduleTimeZone: null, scheduleBasis: null, revision: 1, createdByType: 'member', createdById: null, createdAt: now, updatedAt: now, version: 1 }, 'JS defaults, now() as the transaction\'s start, null for the rest')
  const other = storedRow(contentItems, { id: randomUUID(), organizationId: org, brandId: org, title: 'U', kind: 'post', createdByType: 'member' }, now)
  t.not(other.hashtags, row.hashtags, 'a default array is a copy, never shared between rows')
  t.throws(() => storedRow(contentItems, { organizationId: org, brandId: org, title: 'T', kind: 'post', createdByType: 'member' }, now), /computed by the database/, 'gen_random_uuid() is the database\'s: the id must be given')
  t.throws(() => storedRow(contentItems, { id, organizationId: org, brandId: org, kind: 'post', createdByType: 'member' } as any, now), /title is NOT NULL/)
})
