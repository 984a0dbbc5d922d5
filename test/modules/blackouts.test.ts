import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, createItem, moveTo, socialAccount } from '../factories-content.js'

t.test('brand blackouts', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'bl-a')
  const b = await signup(h, 'bl-b')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const brand2 = await createBrand(h, a, 'Other', 'UTC')
  const bBrand = await createBrand(h, b, 'Theirs')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const url = (brandId: string, rest = '') => `/v1/brands/${brandId}/blackouts${rest}`
  const create = (s: { token: string }, brandId: string, payload: object, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: url(brandId), headers: { ...bearer(s.token), ...headers }, payload })
  const window = { startsAt: '2031-03-14T00:00:00+01:00', endsAt: '2031-03-15T00:00:00+01:00', reason: 'National day of mourning' }

  t.test('create returns the items already inside; list; delete; events', async (t) => {
    const inside = await createItem(h, a, { brandId: brand.id, scheduledAt: '2031-03-14T10:00:00Z' })
    const atStart = await createItem(h, a, { brandId: brand.id, scheduledAt: '2031-03-13T23:00:00Z' })
    const atEnd = await createItem(h, a, { brandId: brand.id, scheduledAt: '2031-03-14T23:00:00Z' })
    const scheduled = await approvedItem(h, a, brand.id, x, { scheduledAt: '2031-03-14T12:00:00Z' })
    await h.inject({ method: 'POST', url: `/v1/content-items/${scheduled.id}/schedule`, headers: bearer(a.token) })
    const published = await approvedItem(h, a, brand.id, x, { scheduledAt: '2031-03-14T13:00:00Z' })
    await h.inject({ method: 'POST', url: `/v1/content-items/${published.id}/schedule`, headers: bearer(a.token) })
    await moveTo(h, a, published.id, 'publishing', 'published')
    const archived = await createItem(h, a, { brandId: brand.id, scheduledAt: '2031-03-14T14:00:00Z' })
    await h.inject({ method: 'POST', url: `/v1/content-items/${archived.id}/archive`, headers: bearer(a.token) })
    await createItem(h, a, { brandId: brand2.id, scheduledAt: '2031-03-14T10:00:00Z' })
    const res = await create(a, brand.id, window)
    t.equal(res.statusCode, 201, res.body)
    const created = json(res)
    t.match(created, { brandId: brand.id, startsAt: '2031-03-13T23:00:00.000Z', endsAt: '2031-03-14T23:00:00.000Z', reason: 'National day of mourning', version: 1 })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, url(brand.id, `/${created.id}`))
    t.same(created.conflictingContentItemIds, [atStart.id, inside.id, scheduled.id], 'planned and scheduled items inside [start, end), in time order; not published, archived, at the end or of another brand')
    t.notOk(created.conflictingContentItemIds.includes(atEnd.id))
    const ev = await h.sql('SELECT type, brand_id, data FROM events WHERE subject_id = $1 ORDER BY seq', [created.id])
    t.match(ev, [{ type: 'brand.blackout_created', brand_id: brand.id, data: { conflictingContentItemIds: created.conflictingContentItemIds } }])

    const later = json(await create(a, brand.id, { startsAt: '2031-01-01T00:00:00Z', endsAt: '2031-01-02T00:00:00Z', reason: 'Earlier window' }))
    const list = json(await h.inject({ method: 'GET', url: url(brand.id), headers: bearer(a.token) }))
    t.same(list.data.map((w: any) => w.id), [later.id, created.id], 'newest first')
    t.notOk('conflictingContentItemIds' in list.data[0])
    const byStart = json(await h.inject({ method: 'GET', url: url(brand.id, '?sort=startsAt&limit=1'), headers: bearer(a.token) }))
    t.same(byStart.data.map((w: any) => w.reason), ['Earlier window'])
    const page2 = json(await h.inject({ method: 'GET', url: url(brand.id, `?sort=startsAt&limit=1&cursor=${encodeURIComponent(byStart.nextCursor)}`), headers: bearer(a.token) }))
    t.same(page2.data.map((w: any) => w.id), [created.id])
    t.equal(page2.nextCursor, null)
    t.same(json(await h.inject({ method: 'GET', url: url(brand2.id), headers: bearer(a.token) })).data, [])

    t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, `/${later.id}`), headers: { ...bearer(a.token), 'if-match': '"2"' } })).statusCode, 412)
    t.equal((await h.inject({ method: 'DELETE', url: url(brand2.id, `/${later.id}`), headers: bearer(a.token) })).statusCode, 404, 'a window is addressed under its own brand')
    t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, `/${later.id}`), headers: { ...bearer(a.token), 'if-match': '"1"' } })).statusCode, 204)
    t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, `/${later.id}`), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = $1 AND type = 'brand.blackout_deleted' AND brand_id = $2", [later.id, brand.id]))[0].n, 1)
  })

  t.test('content cannot be given a time inside a window: 409 naming the window', async (t) => {
    const w = json(await create(a, brand.id, { startsAt: '2031-05-01T00:00:00Z', endsAt: '2031-05-02T00:00:00Z', reason: 'Recall' }))
    const post = (payload: object) => h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(a.token), payload: { brandId: brand.id, title: 'T', kind: 'post', ...payload } })
    const inside = await post({ scheduledAt: '2031-05-01T00:00:00Z' })
    t.equal(inside.statusCode, 409)
    t.match(json(inside), {
      code: 'HERALD_BLACKOUT',
      errors: [{ path: 'scheduledAt', message: /Recall/ }],
      blackout: { id: w.id, reason: 'Recall', startsAt: '2031-05-01T00:00:00.000Z', endsAt: '2031-05-02T00:00:00.000Z' }
    })
    const local = await post({ scheduledLocal: '2031-05-01T12:00', timeZone: 'UTC' })
    t.equal(json(local).errors[0].path, 'scheduledLocal', 'named by the form that was sent')
    t.equal((await post({ scheduledAt: '2031-05-02T00:00:00Z' })).statusCode, 201, 'the end is outside the window')
    t.equal((await post({ scheduledAt: '2031-04-30T23:59:59Z' })).statusCode, 201)
    t.equal((await h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(a.token), payload: { brandId: brand2.id, title: 'T', kind: 'post', scheduledAt: '2031-05-01T10:00:00Z' } })).statusCode, 201, 'other brands are not affected')
    const item = await createItem(h, a, { brandId: brand.id, scheduledAt: '2031-04-30T10:00:00Z' })
    const moved = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { scheduledAt: '2031-05-01T10:00:00Z' } })
    t.equal(moved.statusCode, 409)
    t.equal(json(moved).code, 'HERALD_BLACKOUT')
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { title: 'only the title' } })).statusCode, 200)
    const approved = await approvedItem(h, a, brand.id, x)
    const scheduling = await h.inject({ method: 'POST', url: `/v1/content-items/${approved.id}/schedule`, headers: bearer(a.token), payload: { scheduledAt: '2031-05-01T08:00:00Z' } })
    t.equal(scheduling.statusCode, 409)
    t.match(json(scheduling), { code: 'HERALD_BLACKOUT', blackout: { id: w.id } })
    await h.inject({ method: 'DELETE', url: url(brand.id, `/${w.id}`), headers: bearer(a.token) })
    t.equal((await post({ scheduledAt: '2031-05-01T00:00:00Z' })).statusCode, 201, 'gone with its window')
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const cases: Array<[object, string]> = [
      [{ ...window, endsAt: window.startsAt }, 'endsAt'],
      [{ ...window, endsAt: '2031-03-13T00:00:00Z' }, 'endsAt'],
      [{ startsAt: window.startsAt, endsAt: window.endsAt }, 'reason'],
      [{ ...window, reason: '' }, 'reason'],
      [{ ...window, reason: 'x'.repeat(501) }, 'reason'],
      [{ ...window, startsAt: 'tomorrow' }, 'startsAt'],
      [{ ...window, startsAt: 1 }, 'startsAt'],
      [{ ...window, brandId: brand2.id }, 'brandId']
    ]
    for (const [payload, path] of cases) {
      const res = await create(a, brand.id, payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.ok(json(res).errors.some((e: any) => e.path === path), path)
    }
    t.equal((await create(a, 'nope', window)).statusCode, 400)
    t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, '/nope'), headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: url(brand.id, '?sort=reason'), headers: bearer(a.token) })).statusCode, 400)
    t.equal((await create(a, '00000000-0000-4000-8000-000000000000', window)).statusCode, 404)
    const huge = await h.inject({ method: 'POST', url: url(brand.id), headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ ...window, reason: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
  })

  t.test('another tenant\'s brand or window is a 404 and stays unchanged', async (t) => {
    const theirs = json(await create(b, bBrand.id, window))
    t.equal((await create(a, bBrand.id, window)).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: url(bBrand.id), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: url(bBrand.id, `/${theirs.id}`), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, `/${theirs.id}`), headers: bearer(a.token) })).statusCode, 404)
    t.same(json(await h.inject({ method: 'GET', url: url(bBrand.id), headers: bearer(b.token) })).data.map((w: any) => w.id), [theirs.id])
  })

  t.test('roles, grants and scopes; Idempotency-Key', async (t) => {
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const manager = await addMember(h, a, 'manager')
    const w = json(await create(manager, brand.id, window))
    for (const s of [creator, analyst, client]) {
      t.equal((await create(s, brand.id, window)).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: url(brand.id, `/${w.id}`), headers: bearer(s.token) })).statusCode, 403)
      t.equal((await h.inject({ method: 'GET', url: url(brand.id), headers: bearer(s.token) })).statusCode, 200, 'everyone who sees the brand reads its windows')
    }
    t.equal((await h.inject({ method: 'GET', url: url(brand2.id), headers: bearer(client.token) })).statusCode, 404, 'a client sees only granted brands')
    const reader = await createApiKey(h, a, ['brands:read'])
    const denied = await create({ token: reader.secret }, brand.id, window)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'brands:write' })
    const contentOnly = await createApiKey(h, a, ['content:read'])
    t.match(json(await h.inject({ method: 'GET', url: url(brand.id), headers: bearer(contentOnly.secret) })), { missingScope: 'brands:read' })
    const limited = await createApiKey(h, a, ['brands:read', 'brands:write'], [brand2.id])
    t.equal((await create({ token: limited.secret }, brand.id, window)).statusCode, 404)
    t.equal((await create({ token: limited.secret }, brand2.id, window)).statusCode, 201)
    const headers = { 'idempotency-key': 'blackout-1' }
    const first = await create(a, brand2.id, window, headers)
    const again = await create(a, brand2.id, window, headers)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal((await h.sql('SELECT count(*)::int AS n FROM brand_blackouts WHERE brand_id = $1', [brand2.id]))[0].n, 2)
  })
})
