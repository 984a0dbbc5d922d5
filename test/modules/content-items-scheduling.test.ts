import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { approvedItem, createItem, future, socialAccount } from '../factories-content.js'

t.test('content scheduling: instants, wall times, zones, DST', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'sch')
  const paris = await createBrand(h, a, 'Paris brand', 'Europe/Paris')
  const ny = await createBrand(h, a, 'NY brand', 'America/New_York')
  const x = await socialAccount(h, a.orgId, paris.id, 'x')
  const post = (payload: object) => h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(a.token), payload: { title: 'T', kind: 'post', ...payload } })
  const patch = (id: string, payload: object) => h.inject({ method: 'PATCH', url: `/v1/content-items/${id}`, headers: bearer(a.token), payload })
  const when = (i: any) => [i.scheduledAt, i.scheduledLocal, i.timeZone, i.scheduleBasis]

  t.test('an instant: the zone defaults to the brand\'s, the wall time is derived', async (t) => {
    t.same(when(json(await post({ brandId: paris.id, scheduledAt: '2030-06-01T07:00:00Z' }))), ['2030-06-01T07:00:00.000Z', '2030-06-01T09:00:00', 'Europe/Paris', 'instant'])
    t.same(when(json(await post({ brandId: paris.id, scheduledAt: '2030-06-01T09:00:00+02:00', timeZone: 'America/New_York' }))), ['2030-06-01T07:00:00.000Z', '2030-06-01T03:00:00', 'America/New_York', 'instant'])
  })

  t.test('a wall time: kept as sent, the instant derived', async (t) => {
    t.same(when(json(await post({ brandId: ny.id, scheduledLocal: '2030-06-01T09:00' }))), ['2030-06-01T13:00:00.000Z', '2030-06-01T09:00:00', 'America/New_York', 'local'])
    t.same(when(json(await post({ brandId: ny.id, scheduledLocal: '2030-06-01T09:00:15', timeZone: 'Asia/Tokyo' }))), ['2030-06-01T00:00:15.000Z', '2030-06-01T09:00:15', 'Asia/Tokyo', 'local'])
  })

  t.test('DST in Paris and New York: gaps are 422, overlaps take the earlier instant', async (t) => {
    const gapParis = await post({ brandId: paris.id, scheduledLocal: '2030-03-31T02:30' })
    t.equal(gapParis.statusCode, 422)
    t.match(json(gapParis), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'scheduledLocal', message: /does not exist in Europe\/Paris/ }] })
    const gapNy = await post({ brandId: ny.id, scheduledLocal: '2030-03-10T02:30' })
    t.equal(gapNy.statusCode, 422)
    t.equal(json(gapNy).errors[0].path, 'scheduledLocal')
    t.equal(json(await post({ brandId: paris.id, scheduledLocal: '2030-10-27T02:30' })).scheduledAt, '2030-10-27T00:30:00.000Z')
    t.equal(json(await post({ brandId: ny.id, scheduledLocal: '2030-11-03T01:30' })).scheduledAt, '2030-11-03T05:30:00.000Z')
    t.equal(json(await post({ brandId: paris.id, scheduledLocal: '2030-03-31T03:00' })).scheduledAt, '2030-03-31T01:00:00.000Z')
    t.equal(json(await post({ brandId: paris.id, scheduledLocal: '2030-03-30T09:00' })).scheduledAt, '2030-03-30T08:00:00.000Z')
    t.equal(json(await post({ brandId: paris.id, scheduledLocal: '2030-04-01T09:00' })).scheduledAt, '2030-04-01T07:00:00.000Z', 'the same wall time, an hour less after the change')
  })

  t.test('edits: a new time keeps the item\'s zone; timeZone alone re-derives; null clears', async (t) => {
    const item = json(await post({ brandId: paris.id, scheduledLocal: '2030-06-01T09:00', timeZone: 'America/New_York' }))
    t.same(when(json(await patch(item.id, { scheduledLocal: '2030-06-02T10:00' }))), ['2030-06-02T14:00:00.000Z', '2030-06-02T10:00:00', 'America/New_York', 'local'])
    t.same(when(json(await patch(item.id, { timeZone: 'Europe/Paris' }))), ['2030-06-02T08:00:00.000Z', '2030-06-02T10:00:00', 'Europe/Paris', 'local'], 'the wall time stays, the instant moves')
    t.same(when(json(await patch(item.id, { scheduledAt: '2030-06-03T08:00:00Z' }))), ['2030-06-03T08:00:00.000Z', '2030-06-03T10:00:00', 'Europe/Paris', 'instant'])
    t.same(when(json(await patch(item.id, { timeZone: 'UTC' }))), ['2030-06-03T08:00:00.000Z', '2030-06-03T08:00:00', 'UTC', 'instant'], 'the instant stays, the wall time moves')
    const gap = await patch(item.id, { scheduledLocal: '2030-03-31T02:15', timeZone: 'Europe/Paris' })
    t.equal(gap.statusCode, 422)
    const cleared = json(await patch(item.id, { scheduledAt: null }))
    t.same(when(cleared), [null, null, null, null])
    t.equal(cleared.revision, 6, 'every time change is a revision')
    const none = await patch(item.id, { timeZone: 'Europe/Paris' })
    t.equal(none.statusCode, 400)
    t.equal(json(none).errors[0].path, 'timeZone')
    const stored = await h.sql('SELECT scheduled_at, scheduled_local, schedule_time_zone, schedule_basis FROM content_items WHERE id = $1', [item.id])
    t.same(stored, [{ scheduled_at: null, scheduled_local: null, schedule_time_zone: null, schedule_basis: null }])
  })

  t.test('the schedule action: a time in the future, either form; the planned time by default', async (t) => {
    const item = await approvedItem(h, a, paris.id, x)
    const none = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token) })
    t.equal(none.statusCode, 422)
    t.match(json(none), { errors: [{ path: 'scheduledAt', message: /needs a time/ }] })
    const past = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledAt: '2020-01-01T00:00:00Z' } })
    t.equal(past.statusCode, 422)
    t.match(json(past), { errors: [{ path: 'scheduledAt', message: /in the past/ }] })
    const gap = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-03-31T02:30' } })
    t.equal(gap.statusCode, 422)
    t.equal(json(gap).errors[0].path, 'scheduledLocal')
    const both = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-06-01T09:00', scheduledAt: '2030-06-01T07:00:00Z' } })
    t.equal(both.statusCode, 400)
    const ok = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-06-01T09:00', timeZone: 'America/New_York' } })
    t.equal(ok.statusCode, 200, ok.body)
    t.same(when(json(ok)), ['2030-06-01T13:00:00.000Z', '2030-06-01T09:00:00', 'America/New_York', 'local'])
    t.equal(json(ok).status, 'scheduled')
    const planned = await approvedItem(h, a, paris.id, x, { scheduledAt: future(20) })
    const res = await h.inject({ method: 'POST', url: `/v1/content-items/${planned.id}/schedule`, headers: bearer(a.token) })
    t.match(json(res), { status: 'scheduled', scheduledAt: planned.scheduledAt, revision: planned.revision })
    const old = await createItem(h, a, { brandId: paris.id, title: 'history', scheduledAt: '2020-01-01T00:00:00Z' })
    t.equal(old.scheduledAt, '2020-01-01T00:00:00.000Z', 'a draft may carry a past planned time (imported history)')
  })
})
