import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, createItem, future, socialAccount } from '../factories-content.js'
import { createCampaign } from '../factories-campaigns.js'

// A client's history is never lost silently: a brand whose content or campaigns went beyond
// drafts cannot be deleted (it is archived instead), and an archived brand takes no new
// content, submissions or schedules. Also: what a brand-limited reader is told of other brands,
// and who acted in the events feed.

t.test('brands keep their history', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'history')
  const del = (id: string) => h.inject({ method: 'DELETE', url: `/v1/brands/${id}`, headers: bearer(a.token) })

  t.test('a brand with a scheduled, approved item is a 409 pointing to archiving, and nothing changes', async (t) => {
    const brand = await createBrand(h, a)
    const x = await socialAccount(h, a.orgId, brand.id)
    const item = await approvedItem(h, a, brand.id, x, { scheduledAt: future(3) })
    const scheduled = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token) })
    t.equal(scheduled.statusCode, 200)
    const res = await del(brand.id)
    t.equal(res.statusCode, 409)
    t.match(json(res), { code: 'HERALD_IN_USE', reason: 'brand_has_history', detail: /beyond drafts.*Archive the brand instead/ })
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) })).statusCode, 200, 'the item is still there')
    t.equal((await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })).statusCode, 200, 'and the brand')
  })

  t.test('a campaign that ran keeps its brand too', async (t) => {
    const brand = await createBrand(h, a)
    const campaign = await createCampaign(h, a, brand.id)
    await h.inject({ method: 'PATCH', url: `/v1/campaigns/${campaign.id}`, headers: bearer(a.token), payload: { status: 'planned' } })
    const res = await del(brand.id)
    t.equal(res.statusCode, 409)
    t.match(json(res), { reason: 'brand_has_history', detail: /campaign beyond draft/ })
  })

  t.test('a brand of drafts only is deleted, and each draft it held is announced', async (t) => {
    const brand = await createBrand(h, a)
    const x = await socialAccount(h, a.orgId, brand.id)
    const draft = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    const campaign = await createCampaign(h, a, brand.id)
    const res = await del(brand.id)
    t.equal(res.statusCode, 204)
    const events = await h.sql('SELECT type, subject_id, data FROM events WHERE organization_id = $1 AND brand_id = $2 ORDER BY seq', [a.orgId, brand.id])
    const tail = events.slice(-3).map((e: any) => [e.type, e.subject_id, e.data.reason ?? null])
    t.same(tail, [['campaign.deleted', campaign.id, 'brand_deleted'], ['content_item.deleted', draft.id, 'brand_deleted'], ['brand.deleted', brand.id, null]])
  })

  t.test('an archived brand takes no new content, submissions or schedules', async (t) => {
    const brand = await createBrand(h, a)
    const x = await socialAccount(h, a.orgId, brand.id)
    const draft = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    const approved = await approvedItem(h, a, brand.id, x, { scheduledAt: future(3) })
    const archived = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { status: 'archived' } })
    t.equal(archived.statusCode, 200)

    const created = await h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(a.token), payload: { brandId: brand.id, title: 'New', kind: 'post', body: 'x' } })
    t.equal(created.statusCode, 422)
    t.match(json(created).errors, [{ path: 'brandId', message: /archived/ }])
    const bulk = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: bearer(a.token), payload: { items: [{ brandId: brand.id, title: 'B', kind: 'post', body: 'x' }] } })
    t.match(json(bulk), { status: 422, errors: [{ path: 'items/0/brandId' }] })
    const submitted = await h.inject({ method: 'POST', url: `/v1/content-items/${draft.id}/submit`, headers: bearer(a.token) })
    t.equal(submitted.statusCode, 409)
    t.match(json(submitted), { code: 'HERALD_CONFLICT', reason: 'brand_archived' })
    const scheduled = await h.inject({ method: 'POST', url: `/v1/content-items/${approved.id}/schedule`, headers: bearer(a.token) })
    t.match(json(scheduled), { status: 409, reason: 'brand_archived' })

    await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { status: 'active' } })
    t.equal((await h.inject({ method: 'POST', url: `/v1/content-items/${draft.id}/submit`, headers: bearer(a.token) })).statusCode, 200, 'active again, it takes them again')
  })
})

t.test('a brand-limited reader is not told which other brands a member works on', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'limited-members')
  const [one, two] = [await createBrand(h, a), await createBrand(h, a)]
  await addMember(h, a, 'creator', [one.id, two.id])
  const limited = await addMember(h, a, 'manager', [one.id])
  const page = json(await h.inject({ method: 'GET', url: '/v1/members?limit=200', headers: bearer(limited.token) }))
  const grants = page.data.flatMap((m: any) => m.brandIds ?? [])
  t.ok(grants.includes(one.id), 'the brand it shares is shown')
  t.notOk(grants.includes(two.id), 'the other brand is not')
  const owner = json(await h.inject({ method: 'GET', url: '/v1/members?limit=200', headers: bearer(a.token) }))
  t.ok(owner.data.some((m: any) => m.brandIds?.includes(two.id)), 'an unlimited reader sees every grant')
})

t.test('the events feed says who acted', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'event-actors')
  const brand = await createBrand(h, a)
  const feed = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${brand.id}`, headers: bearer(a.token) }))
  t.same(feed.data[0].actor, { type: 'member', id: a.membershipId, label: a.email })
  const key = await createApiKey(h, a, ['events:read'])
  const seen = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${brand.id}`, headers: bearer(key.secret) }))
  t.same(seen.data[0].actor, { type: 'member', id: a.membershipId, label: null }, 'labels only for callers who may read members')
})
