import t from 'tap'
import { IngestBody, parseIngestBodyFast } from '../../src/modules/metrics/metrics.schemas.js'

// The hand-written fast path of ingestion's validation against IngestBody (zod) itself: it
// must accept nothing zod refuses and give exactly zod's points for what it accepts; and it
// must accept the usual valid batches (or it would be no faster).

const base = { subjectType: 'content_item', subjectId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', metric: 'impressions', granularity: 'day', periodStart: '2026-03-02', value: 12, source: 'collector', collectedAt: '2026-03-03T06:00:00Z' }
const variants: Array<[string, Record<string, unknown>, boolean]> = [
  // [what, change to the base point, valid?]
  ['the base point', {}, true],
  ['an hour', { granularity: 'hour', periodStart: '2026-03-02T10:00:00Z' }, true],
  ['an hour with an offset and milliseconds', { granularity: 'hour', periodStart: '2026-03-02T10:00:00.000+01:00' }, true],
  ['a day as an instant', { periodStart: '2026-03-01T23:00:00Z' }, true],
  ['an account', { socialAccountId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }, true],
  ['a null account', { socialAccountId: null }, true],
  ['money with its currency', { subjectType: 'campaign', metric: 'spend', value: 84.5, currency: 'EUR' }, true],
  ['a null currency on a count', { currency: null }, true],
  ['a source to trim', { source: '  ads  ' }, true],
  ['zero', { value: 0 }, true],
  ['the largest value', { value: 1e15 }, true],
  ['an unknown field', { extra: 1 }, false],
  ['an unknown subject type', { subjectType: 'brand' }, false],
  ['a subject id that is not a uuid', { subjectId: 'nope' }, false],
  ['an uppercase uuid', { subjectId: '3F1C2D4E-5A6B-4C7D-8E9F-0A1B2C3D4E5F' }, true],
  ['a uuid of no version', { subjectId: '3f1c2d4e-5a6b-0c7d-8e9f-0a1b2c3d4e5f' }, false],
  ['an account on a campaign point', { subjectType: 'campaign', socialAccountId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }, false],
  ['an unknown metric', { metric: 'vibes' }, false],
  ['a rate', { metric: 'ctr' }, false],
  ['an unknown granularity', { granularity: 'week' }, false],
  ['a period that is not a date', { periodStart: 'yesterday' }, false],
  ['a date that does not exist', { periodStart: '2026-02-30' }, false],
  ['an hour given as a date', { granularity: 'hour' }, false],
  ['an hour not on the hour', { granularity: 'hour', periodStart: '2026-03-02T10:30:00Z' }, false],
  ['a long period', { periodStart: `2026-03-02T10:00:00.${'0'.repeat(40)}Z` }, false],
  ['a negative value', { value: -1 }, false],
  ['a value too large', { value: 1e16 }, false],
  ['a value as a string', { value: '12' }, false],
  ['money without currency', { metric: 'revenue' }, false],
  ['money in an unknown currency', { metric: 'revenue', currency: 'EUX' }, false],
  ['money in lower case', { metric: 'revenue', currency: 'eur' }, false],
  ['a currency on a count', { currency: 'EUR' }, false],
  ['a blank source', { source: '   ' }, false],
  ['a source too long', { source: 'x'.repeat(101) }, false],
  ['a source of 100 after trimming', { source: ` ${'x'.repeat(100)} ` }, true],
  ['a collectedAt without zone', { collectedAt: '2026-03-03T06:00:00' }, false],
  ['a collectedAt as a date', { collectedAt: '2026-03-03' }, false],
  ['a null source', { source: null }, false]
]

t.test('the fast path accepts exactly what zod accepts, and gives the same points', async (t) => {
  for (const [what, change, valid] of variants) {
    const body = { points: [{ ...base, ...change }] }
    const fast = parseIngestBodyFast(body)
    const zod = IngestBody.safeParse(body)
    t.equal(zod.success, valid, `zod: ${what}`)
    if (valid) t.strictSame(fast, zod.data?.points, `same points: ${what}`)
    else t.equal(fast, null, `the fast path leaves it to zod: ${what}`)
  }
})

t.test('a missing field, a body of another shape, too many or no points: left to zod', async (t) => {
  for (const k of Object.keys(base)) {
    const point: Record<string, unknown> = { ...base }
    delete point[k]
    t.equal(parseIngestBodyFast({ points: [point] }), null, `without ${k}`)
    t.notOk(IngestBody.safeParse({ points: [point] }).success)
  }
  for (const body of [null, [], 'x', {}, { points: [] }, { points: {} }, { points: [base], more: 1 }, { points: [null] }, { points: [[base]] }, { points: Array.from({ length: 10_001 }, () => base) }]) {
    t.equal(parseIngestBodyFast(body), null, JSON.stringify(body).slice(0, 60))
    t.notOk(IngestBody.safeParse(body).success)
  }
  const many = { points: Array.from({ length: 10_000 }, (_v, i) => ({ ...base, value: i })) }
  t.strictSame(parseIngestBodyFast(many), IngestBody.parse(many).points, '10,000 points, the same as zod')
})
