import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { moveTo, reviewer } from '../factories-content.js'

// The README's walk-through, step by step, as a new user would run it: plan a campaign, write a
// post for X and LinkedIn, put it on the calendar.
t.test('README: a post for X and LinkedIn on the calendar', async (t) => {
  const h = await createTestApp(t)
  const s = await signup(h, 'readme')
  const brand = await createBrand(h, s, 'Lumen Coffee', 'Europe/Paris')
  const H = bearer(s.token)
  const account = async (platform: string, handle: string) => {
    const res = await h.inject({ method: 'POST', url: '/v1/social-accounts', headers: H, payload: { brandId: brand.id, platform, handle } })
    t.equal(res.statusCode, 201)
    return json(res).id as string
  }
  const X = await account('x', 'lumencoffee')
  const LI = await account('linkedin', 'lumen-coffee')
  const planned = await h.inject({
    method: 'POST',
    url: '/v1/campaigns',
    headers: H,
    payload: { brandId: brand.id, name: 'Spring blend', objective: 'awareness', startsOn: '2030-03-18', endsOn: '2030-04-15', channelIds: [X, LI], budget: { amountMinor: 250000, currency: 'EUR' }, kpiTargets: [{ metric: 'engagements', target: 5000 }] }
  })
  t.equal(planned.statusCode, 201)
  const CAMPAIGN = json(planned).id
  t.match(json(planned), { status: 'draft', budget: { amountMinor: 250000, currency: 'EUR' } })
  t.same([...json(planned).channelIds].sort(), [X, LI].sort(), 'both channels (in the order they were added, ties by id)')
  // Someone other than the author reviews: the approvals workflow never lets authors approve their own posts.
  await reviewer(h, s)

  const created = await h.inject({
    method: 'POST',
    url: '/v1/content-items',
    headers: H,
    payload: {
      brandId: brand.id,
      campaignId: CAMPAIGN,
      title: 'Spring blend launch',
      kind: 'post',
      body: 'Spring blend is here 🌸 Roasted this week.',
      hashtags: ['coffee'],
      targets: [{ socialAccountId: X }, { socialAccountId: LI, body: 'Our spring blend is here: bright, floral, roasted this week.' }],
      scheduledLocal: '2030-03-20T09:00',
      timeZone: 'Europe/Paris'
    }
  })
  t.equal(created.statusCode, 201)
  const ITEM = json(created).id
  t.same(json(created).targets.map((x: any) => [x.platform, x.body]), [['x', null], ['linkedin', 'Our spring blend is here: bright, floral, roasted this week.']])

  const week = json(await h.inject({ method: 'GET', url: `/v1/calendar?brandId=${brand.id}&from=2030-03-18&to=2030-03-24&campaignId=${CAMPAIGN}`, headers: H }))
  t.equal(week.days.length, 7)
  t.same(week.days.find((d: any) => d.date === '2030-03-20').items.map((i: any) => [i.title, i.scheduledLocal]), [['Spring blend launch', '2030-03-20T09:00:00']])

  t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${ITEM}`, headers: H, payload: { hashtags: ['coffee', 'springblend'] } })).statusCode, 200)
  t.same(json(await h.inject({ method: 'GET', url: `/v1/content-items/${ITEM}/revisions/compare?from=1&to=2`, headers: H })).changes,
    [{ path: 'hashtags', before: ['coffee'], after: ['coffee', 'springblend'] }])

  t.equal(json(await h.inject({ method: 'POST', url: `/v1/content-items/${ITEM}/submit`, headers: H })).status, 'in_review')
  await moveTo(h, s, ITEM, 'approved')
  const scheduled = json(await h.inject({ method: 'POST', url: `/v1/content-items/${ITEM}/schedule`, headers: H }))
  t.match(scheduled, { status: 'scheduled', scheduledAt: '2030-03-20T08:00:00.000Z' })

  const blackout = await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/blackouts`, headers: H, payload: { startsAt: '2030-03-25T00:00:00+01:00', endsAt: '2030-03-26T00:00:00+01:00', reason: 'National day of mourning' } })
  t.equal(blackout.statusCode, 201)
  t.same(json(blackout).conflictingContentItemIds, [])

  const csv = `brandId,title,kind,body,socialAccountIds,scheduledLocal\n${brand.id},Latte art Friday,post,Watch Sam pour a tulip.,${X},2030-03-22T17:30\n`
  const imported = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...H, 'content-type': 'text/csv' }, payload: csv })
  t.equal(imported.statusCode, 201)
  t.match(json(imported).data, [{ title: 'Latte art Friday', kind: 'post', scheduledAt: '2030-03-22T16:30:00.000Z', targets: [{ platform: 'x' }] }])
})
