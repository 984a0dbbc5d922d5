import t from 'tap'
import { Temporal } from 'temporal-polyfill'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { approvedItem, socialAccount } from '../factories-content.js'

// Publishing and local time: an item scheduled for 09:00 local the day after a clock change is
// queued for 09:00 local (the new offset), and the wall-time rule holds at hand-over: when the
// zone's rules changed after scheduling (the stored instant is out of date), the item goes out
// at its local time by today's rules, not at the stale instant.

t.test('publishing at local times across DST and zone-rule changes', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'pub-dst')
  const ny = await createBrand(h, a, 'NY brand', 'America/New_York')
  const x = await socialAccount(h, a.orgId, ny.id, 'x')
  const job = async (itemId: string) => (await h.sql("SELECT run_at, payload FROM graphile_worker._private_jobs WHERE key = 'publish:' || $1", [itemId]))[0]

  t.test('09:00 local the day after the spring-forward: queued for 13:00 UTC (EDT), not 14:00 (EST)', async (t) => {
    const item = await approvedItem(h, a, ny.id, x)
    const res = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-03-11T09:00' } })
    t.equal(res.statusCode, 200)
    t.match(json(res), { scheduledAt: '2030-03-11T13:00:00.000Z', scheduledLocal: '2030-03-11T09:00:00', timeZone: 'America/New_York', scheduleBasis: 'local' })
    t.equal(new Date((await job(item.id)).run_at).toISOString(), '2030-03-11T13:00:00.000Z')
    const before = await h.inject({ method: 'POST', url: `/v1/content-items/${(await approvedItem(h, a, ny.id, x)).id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-03-09T09:00' } })
    t.equal(json(before).scheduledAt, '2030-03-09T14:00:00.000Z', 'the day before the change: 14:00 UTC (EST)')

    t.test('the zone rules change after scheduling: the hand-over re-derives the instant and waits for it', async (t) => {
      // As if it had been scheduled under rules that put 09:00 at 14:00 UTC.
      await h.sql("UPDATE content_items SET scheduled_at = '2030-03-11T14:00:00Z' WHERE id = $1", [item.id])
      const result = await h.app.background.inTenant(a.orgId, 'publisher', async (ctx) =>
        await h.app.publishing.handOver(ctx, { orgId: a.orgId, itemId: item.id, scheduledAt: '2030-03-11T14:00:00.000Z' }))
      t.same(result, { outcome: 'requeued', at: '2030-03-11T13:00:00.000Z' })
      t.equal(new Date((await job(item.id)).run_at).toISOString(), '2030-03-11T13:00:00.000Z', 'its job moved to 09:00 local by today\'s rules')
    })
  })

  t.test('due by its local time although the stored instant (old rules) says an hour later: handed over now', async (t) => {
    const item = await approvedItem(h, a, ny.id, x)
    await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token), payload: { scheduledLocal: '2030-06-01T09:00' } })
    // The local time that was a second ago in New York, with an instant an hour later (stale).
    const local = Temporal.Now.zonedDateTimeISO('America/New_York').subtract({ seconds: 1 }).toPlainDateTime().round({ smallestUnit: 'millisecond' }).toString({ smallestUnit: 'second' })
    const [row] = await h.sql("UPDATE content_items SET scheduled_local = $2, scheduled_at = date_trunc('second', now()) + interval '1 hour' WHERE id = $1 RETURNING scheduled_at", [item.id, local])
    const result = await h.app.background.inTenant(a.orgId, 'publisher', async (ctx) =>
      await h.app.publishing.handOver(ctx, { orgId: a.orgId, itemId: item.id, scheduledAt: new Date(row.scheduled_at).toISOString() }))
    t.match(result, { outcome: 'handed_over', late: false })
    const [ev] = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.publishing'", [item.id])
    t.ok(Math.abs(new Date(ev.data.scheduledAt).getTime() - (Date.now() - 1000)) < 5000, 'due at its local time, by today\'s rules')
  })
})
