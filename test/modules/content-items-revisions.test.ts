import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createItem, moveTo, reviewer, socialAccount } from '../factories-content.js'

t.test('content revisions: list, read, compare', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'rev-a')
  const b = await signup(h, 'rev-b')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const brand2 = await createBrand(h, a, 'Other', 'UTC')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  await reviewer(h, a) // submitting needs an approver other than the author
  const key = await createApiKey(h, a, ['content:read', 'content:write'])
  const get = (path: string, s: { token: string } = a) => h.inject({ method: 'GET', url: `/v1/content-items/${path}`, headers: bearer(s.token) })
  const patch = (id: string, payload: object, token = a.token) => h.inject({ method: 'PATCH', url: `/v1/content-items/${id}`, headers: bearer(token), payload })

  const item = await createItem(h, a, { brandId: brand.id, title: 'Launch', body: 'v1', hashtags: ['coffee'], targets: [{ socialAccountId: x, body: 'x v1' }, { socialAccountId: li }], scheduledLocal: '2030-06-01T09:00' })
  await patch(item.id, { body: 'v2', targets: [{ socialAccountId: x, body: 'x v2' }, { socialAccountId: li }] })
  await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/submit`, headers: bearer(a.token) })
  await patch(item.id, { hashtags: ['coffee', 'spring'], targets: [{ socialAccountId: x, body: 'x v2' }] }, key.secret)

  t.test('creation is revision 1; every edit adds one; status changes do not', async (t) => {
    const res = await get(`${item.id}/revisions`)
    t.equal(res.statusCode, 200)
    const page = json(res)
    t.same(page.data.map((r: any) => r.revision), [3, 2, 1], 'newest first')
    t.same(page.data.map((r: any) => r.changed), [['hashtags', 'targets'], ['body', 'targets'], ['title', 'kind', 'body', 'hashtags', 'targets', 'scheduledAt', 'scheduledLocal', 'timeZone', 'scheduleBasis']])
    t.same(page.data.map((r: any) => r.actor), [{ type: 'api_key', id: key.id }, { type: 'member', id: a.membershipId }, { type: 'member', id: a.membershipId }])
    const current = json(await get(item.id))
    t.equal(current.revision, 3)
    t.equal(current.status, 'draft', 'the last edit sent the submitted item back to draft')
    t.same(page.data[0].snapshot, {
      campaignId: null,
      title: 'Launch',
      kind: 'post',
      body: 'v2',
      media: [],
      link: null,
      hashtags: ['coffee', 'spring'],
      firstComment: null,
      labels: [],
      assigneeId: null,
      targets: [{ socialAccountId: x, platform: 'x', body: 'x v2', media: null, firstComment: null }],
      scheduledAt: '2030-06-01T07:00:00.000Z',
      scheduledLocal: '2030-06-01T09:00:00',
      timeZone: 'Europe/Paris',
      scheduleBasis: 'local'
    }, 'the snapshot is the whole item, targets included')
    const asc = json(await get(`${item.id}/revisions?sort=revision&limit=2`))
    t.same(asc.data.map((r: any) => r.revision), [1, 2])
    const next = json(await get(`${item.id}/revisions?sort=revision&limit=2&cursor=${encodeURIComponent(asc.nextCursor)}`))
    t.same(next.data.map((r: any) => r.revision), [3])
    t.equal(next.nextCursor, null)
  })

  t.test('one revision', async (t) => {
    const res = await get(`${item.id}/revisions/2`)
    t.equal(res.statusCode, 200)
    t.match(json(res), { revision: 2, contentItemId: item.id, changed: ['body', 'targets'], snapshot: { body: 'v2' } })
    const missing = await get(`${item.id}/revisions/9`)
    t.equal(missing.statusCode, 404)
    t.equal(json(missing).errors[0].path, 'revision')
  })

  t.test('compare: field-level changes with paths', async (t) => {
    const res = await get(`${item.id}/revisions/compare?from=1&to=3`)
    t.equal(res.statusCode, 200, res.body)
    t.same(json(res), {
      from: 1,
      to: 3,
      changes: [
        { path: 'body', before: 'v1', after: 'v2' },
        { path: 'hashtags', before: ['coffee'], after: ['coffee', 'spring'] },
        { path: 'targets/0/body', before: 'x v1', after: 'x v2' },
        { path: 'targets/1', before: { socialAccountId: li, platform: 'linkedin', body: null, media: null, firstComment: null }, after: null }
      ]
    })
    const back = json(await get(`${item.id}/revisions/compare?from=2&to=1`))
    t.same(back.changes, [{ path: 'body', before: 'v2', after: 'v1' }, { path: 'targets/0/body', before: 'x v2', after: 'x v1' }], 'either direction')
    t.same(json(await get(`${item.id}/revisions/compare?from=2&to=2`)).changes, [])
    const media = await createItem(h, a, { brandId: brand.id, media: [{ url: 'https://cdn.example.com/a.png', type: 'image' }] })
    await patch(media.id, { media: [{ url: 'https://cdn.example.com/a.png', type: 'image', altText: 'A cup' }, { url: 'https://cdn.example.com/b.mp4', type: 'video', durationSeconds: 12 }], scheduledAt: '2030-07-01T10:00:00Z' })
    t.same(json(await get(`${media.id}/revisions/compare?from=1&to=2`)).changes, [
      { path: 'media/0/altText', before: null, after: 'A cup' },
      { path: 'media/1', before: null, after: { url: 'https://cdn.example.com/b.mp4', type: 'video', altText: null, width: null, height: null, durationSeconds: 12 } },
      { path: 'scheduledAt', before: null, after: '2030-07-01T10:00:00.000Z' },
      { path: 'scheduledLocal', before: null, after: '2030-07-01T12:00:00' },
      { path: 'timeZone', before: null, after: 'Europe/Paris' },
      { path: 'scheduleBasis', before: null, after: 'instant' }
    ])
    const same = await patch(media.id, { media: [{ url: 'https://cdn.example.com/a.png', type: 'image', altText: 'A cup' }, { durationSeconds: 12, type: 'video', url: 'https://cdn.example.com/b.mp4' }] })
    t.equal(json(same).revision, 2, 'the same media sent again (in another key order) is no change')
    const missing = await get(`${item.id}/revisions/compare?from=1&to=7`)
    t.equal(missing.statusCode, 404)
    t.same(json(missing).errors, [{ path: 'to', message: 'revision 7 does not exist' }])
  })

  t.test('status changes make no revision', async (t) => {
    const other = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: x }] })
    await h.inject({ method: 'POST', url: `/v1/content-items/${other.id}/submit`, headers: bearer(a.token) })
    await moveTo(h, a, other.id, 'approved')
    await h.inject({ method: 'POST', url: `/v1/content-items/${other.id}/archive`, headers: bearer(a.token) })
    t.same(json(await get(`${other.id}/revisions`)).data.map((r: any) => r.revision), [1])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM content_revisions WHERE content_item_id = $1', [other.id]))[0].n, 1)
  })

  t.test('bad input, tenants, grants, scopes', async (t) => {
    for (const path of [`${item.id}/revisions/0`, `${item.id}/revisions/abc`, `${item.id}/revisions/compare?from=1`, `${item.id}/revisions/compare?from=1&to=x`,
      `${item.id}/revisions/compare?from=1&to=2&diff=1`, `${item.id}/revisions?sort=changed`, `${item.id}/revisions?limit=500`, 'nope/revisions']) {
      t.equal((await get(path)).statusCode, 400, path)
    }
    t.equal((await get('00000000-0000-4000-8000-000000000000/revisions')).statusCode, 404)
    for (const path of [`${item.id}/revisions`, `${item.id}/revisions/1`, `${item.id}/revisions/compare?from=1&to=2`]) {
      t.equal((await get(path, b)).statusCode, 404, `another tenant: ${path}`)
    }
    const client = await addMember(h, a, 'client', [brand2.id])
    t.equal((await get(`${item.id}/revisions`, client)).statusCode, 404, 'an ungranted brand')
    const analyst = await addMember(h, a, 'analyst')
    t.equal((await get(`${item.id}/revisions`, analyst)).statusCode, 200)
    const noScope = await createApiKey(h, a, ['brands:read'])
    t.match(json(await get(`${item.id}/revisions/compare?from=1&to=2`, { token: noScope.secret })), { code: 'HERALD_FORBIDDEN', missingScope: 'content:read' })
  })
})
