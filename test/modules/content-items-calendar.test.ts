import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { asOwner, campaign, createItem, socialAccount } from '../factories-content.js'
import { createContentCalendar } from '../../src/modules/content-items/content-calendar.js'
import { createContentItemsRepository } from '../../src/modules/content-items/content-items.repository.js'

t.test('calendar: items by the brand\'s local day', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'cal-a')
  const b = await signup(h, 'cal-b')
  const paris = await createBrand(h, a, 'Paris', 'Europe/Paris')
  const ny = await createBrand(h, a, 'New York', 'America/New_York')
  const x = await socialAccount(h, a.orgId, paris.id, 'x')
  const li = await socialAccount(h, a.orgId, paris.id, 'linkedin')
  const cp = await campaign(h, a.orgId, paris.id)
  const cal = async (q: string, s: { token: string } = a) => await h.inject({ method: 'GET', url: `/v1/calendar?${q}`, headers: bearer(s.token) })
  const titlesByDay = (body: any) => Object.fromEntries(body.days.map((d: any) => [d.date, d.items.map((i: any) => i.title)]))

  const late = await createItem(h, a, { brandId: paris.id, title: 'late UTC', scheduledAt: '2030-06-01T23:30:00Z', targets: [{ socialAccountId: x }] })
  await createItem(h, a, { brandId: paris.id, title: 'morning', scheduledLocal: '2030-06-02T08:00', campaignId: cp, labels: ['promo'], targets: [{ socialAccountId: li }], assigneeId: a.membershipId })
  await createItem(h, a, { brandId: paris.id, title: 'evening', scheduledLocal: '2030-06-01T20:00' })
  await createItem(h, a, { brandId: paris.id, title: 'no time' })
  await createItem(h, a, { brandId: ny.id, title: 'other brand', scheduledAt: '2030-06-01T12:00:00Z' })
  const archived = await createItem(h, a, { brandId: paris.id, title: 'archived', scheduledLocal: '2030-06-03T09:00' })
  await h.inject({ method: 'POST', url: `/v1/content-items/${archived.id}/archive`, headers: bearer(a.token) })

  t.test('every day of the range, items in time order; 23:30 UTC is the next day in Paris', async (t) => {
    const res = await cal(`brandId=${paris.id}&from=2030-06-01&to=2030-06-04`)
    t.equal(res.statusCode, 200, res.body)
    const body = json(res)
    t.match(body, { brandId: paris.id, timeZone: 'Europe/Paris', from: '2030-06-01', to: '2030-06-04' })
    t.same(titlesByDay(body), { '2030-06-01': ['evening'], '2030-06-02': ['late UTC', 'morning'], '2030-06-03': [], '2030-06-04': [] }, 'archived left out; empty days listed')
    const item = body.days[1].items[0]
    t.equal(item.id, late.id)
    t.same(item.targets.map((x: any) => x.platform), ['x'], 'items come whole, targets included')
    t.same(titlesByDay(json(await cal(`brandId=${paris.id}&from=2030-06-03&to=2030-06-03&status=archived`))), { '2030-06-03': ['archived'] })
  })

  t.test('filters: campaign, platform, status, assignee, label', async (t) => {
    const one = (q: string) => cal(`brandId=${paris.id}&from=2030-06-01&to=2030-06-02&${q}`).then((r) => Object.values(titlesByDay(json(r))).flat())
    t.same(await one(`campaignId=${cp}`), ['morning'])
    t.same(await one('platform=x'), ['late UTC'])
    t.same(await one('platform=linkedin'), ['morning'])
    t.same(await one(`assigneeId=${a.membershipId}`), ['morning'])
    t.same(await one('label=promo'), ['morning'])
    t.same(await one('status=draft'), ['evening', 'late UTC', 'morning'])
    t.same(await one('status=scheduled'), [])
  })

  t.test('DST days: the short and the long day hold their own hours', async (t) => {
    await createItem(h, a, { brandId: paris.id, title: 'before spring', scheduledLocal: '2030-03-30T23:30' })
    await createItem(h, a, { brandId: paris.id, title: 'spring 03:30', scheduledLocal: '2030-03-31T03:30' })
    await createItem(h, a, { brandId: paris.id, title: 'spring 23:30', scheduledLocal: '2030-03-31T23:30' })
    await createItem(h, a, { brandId: paris.id, title: 'april 00:30', scheduledLocal: '2030-04-01T00:30' })
    await createItem(h, a, { brandId: paris.id, title: 'autumn second 02:30', scheduledAt: '2030-10-27T01:30:00Z' })
    await createItem(h, a, { brandId: paris.id, title: 'autumn 23:30', scheduledLocal: '2030-10-27T23:30' })
    await createItem(h, a, { brandId: paris.id, title: 'autumn 00:30', scheduledLocal: '2030-10-27T00:30' })
    t.same(titlesByDay(json(await cal(`brandId=${paris.id}&from=2030-03-30&to=2030-04-01`))), {
      '2030-03-30': ['before spring'], '2030-03-31': ['spring 03:30', 'spring 23:30'], '2030-04-01': ['april 00:30']
    })
    t.same(titlesByDay(json(await cal(`brandId=${paris.id}&from=2030-10-27&to=2030-10-27`))), { '2030-10-27': ['autumn 00:30', 'autumn second 02:30', 'autumn 23:30'] }, 'the 25-hour day')
    await createItem(h, a, { brandId: ny.id, title: 'NY evening', scheduledLocal: '2030-11-03T22:00' })
    t.same(titlesByDay(json(await cal(`brandId=${ny.id}&from=2030-11-03&to=2030-11-04`))), { '2030-11-03': ['NY evening'], '2030-11-04': [] }, "New York's days are New York's")
  })

  t.test('bad ranges and input', async (t) => {
    const cases: Array<[string, string]> = [
      [`brandId=${paris.id}&from=2030-06-05&to=2030-06-01`, 'to'],
      [`brandId=${paris.id}&from=2030-01-01&to=2030-04-03`, 'to'],
      [`brandId=${paris.id}&from=2030-02-30&to=2030-03-01`, 'from'],
      [`brandId=${paris.id}&from=20300601&to=2030-06-02`, 'from'],
      ['from=2030-06-01&to=2030-06-02', 'brandId'],
      [`brandId=${paris.id}&to=2030-06-02`, 'from'],
      ['brandId=nope&from=2030-06-01&to=2030-06-02', 'brandId'],
      [`brandId=${paris.id}&from=2030-06-01&to=2030-06-02&platform=myspace`, 'platform'],
      [`brandId=${paris.id}&from=2030-06-01&to=2030-06-02&kind=post`, 'kind']
    ]
    for (const [q, path] of cases) {
      const res = await cal(q)
      t.equal(res.statusCode, 400, q)
      t.ok(json(res).errors.some((e: any) => e.path === path || e.path.includes(path)), `${q} names ${path}: ${JSON.stringify(json(res).errors)}`)
    }
    t.equal((await cal(`brandId=${paris.id}&from=2030-01-01&to=2030-04-02`)).statusCode, 200, '92 days is the most')
    t.equal(json(await cal(`brandId=${paris.id}&from=2030-01-01&to=2030-04-02`)).days.length, 92)
    t.equal((await cal('brandId=00000000-0000-4000-8000-000000000000&from=2030-06-01&to=2030-06-02')).statusCode, 404)
  })

  t.test('a range too busy to return at once is a 422', async (t) => {
    const calendarOf = (maxItems: number) => createContentCalendar({ items: createContentItemsRepository(h.app.cursors), brands: h.app.brands, maxItems })
    const calendar = calendarOf(2)
    const q = { brandId: paris.id, from: '2030-06-01', to: '2030-06-02' }
    await t.rejects(asOwner(h, a, async (ctx) => await calendar.calendar(ctx, q)), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'to' }] })
    const ok = await asOwner(h, a, async (ctx) => await calendar.calendar(ctx, { ...q, to: '2030-06-01' }))
    t.same(ok.days[0].items.map((i) => i.title), ['evening'], 'the items of the wider read outside the local day are left out')

    // The read widened to every zone's day (evening 18:00Z, late UTC 23:30Z, morning 06:00Z)
    // holds more than maxItems + 1 items before the local day's end: the exact range is read.
    const june2 = { brandId: paris.id, from: '2030-06-02', to: '2030-06-02' }
    const exact = await asOwner(h, a, async (ctx) => await calendar.calendar(ctx, june2))
    t.same(exact.days[0].items.map((i) => i.title), ['late UTC', 'morning'], 'both items of the day, read again exactly')
    await t.rejects(asOwner(h, a, async (ctx) => await calendarOf(1).calendar(ctx, june2)), { code: 'HERALD_UNPROCESSABLE' },
      'the day holds 2 items: too busy for 1, though the wider read was cut after 1 of them')
  })

  t.test('tenants, grants, scopes', async (t) => {
    const q = `brandId=${paris.id}&from=2030-06-01&to=2030-06-02`
    t.equal((await cal(q, b)).statusCode, 404, 'another tenant\'s brand')
    const client = await addMember(h, a, 'client', [ny.id])
    t.equal((await cal(q, client)).statusCode, 404, 'an ungranted brand')
    t.equal((await cal(`brandId=${ny.id}&from=2030-06-01&to=2030-06-02`, client)).statusCode, 200)
    const analyst = await addMember(h, a, 'analyst')
    t.equal((await cal(q, analyst)).statusCode, 200)
    const noScope = await createApiKey(h, a, ['brands:read'])
    t.match(json(await cal(q, { token: noScope.secret })), { code: 'HERALD_FORBIDDEN', missingScope: 'content:read' })
    const reader = await createApiKey(h, a, ['content:read', 'brands:read'])
    t.equal((await cal(q, { token: reader.secret })).statusCode, 200)
  })
})
