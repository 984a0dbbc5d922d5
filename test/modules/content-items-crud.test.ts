import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { campaign, createItem, socialAccount } from '../factories-content.js'

t.test('content items: create, read, list, edit, delete', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'ci-a')
  const b = await signup(h, 'ci-b')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const brand2 = await createBrand(h, a, 'Other brand', 'UTC')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const x2 = await socialAccount(h, a.orgId, brand2.id, 'x')
  const camp = await campaign(h, a.orgId, brand.id)
  const camp2 = await campaign(h, a.orgId, brand2.id)
  const bBrand = await createBrand(h, b, 'Theirs')
  const bAccount = await socialAccount(h, b.orgId, bBrand.id, 'x')
  const bCampaign = await campaign(h, b.orgId, bBrand.id)
  const post = (s: { token: string }, payload: object, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/v1/content-items', headers: { ...bearer(s.token), ...headers }, payload })
  const get = async (id: string, s = a) => await h.inject({ method: 'GET', url: `/v1/content-items/${id}`, headers: bearer(s.token) })
  const count = async () => (await h.sql('SELECT count(*)::int AS n FROM content_items WHERE organization_id = $1', [a.orgId]))[0].n

  t.test('create with targets, media, schedule; read it back with its ETag', async (t) => {
    const res = await post(a, {
      brandId: brand.id,
      campaignId: camp,
      title: 'Spring blend launch',
      kind: 'post',
      body: 'Our spring blend is here.',
      media: [{ url: 'https://cdn.example.com/a.jpg', type: 'image', altText: 'A bag of beans', width: 1080, height: 1350 }],
      link: 'https://lumen.example/spring',
      hashtags: ['coffee', 'springblend'],
      firstComment: 'Link in bio',
      labels: ['launch'],
      assigneeId: a.membershipId,
      targets: [{ socialAccountId: x, body: 'Spring blend 🌸' }, { socialAccountId: li }],
      scheduledLocal: '2030-03-20T09:00',
      timeZone: 'Europe/Paris'
    })
    t.equal(res.statusCode, 201, res.body)
    const item = json(res)
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `/v1/content-items/${item.id}`)
    t.match(item, {
      brandId: brand.id,
      campaignId: camp,
      title: 'Spring blend launch',
      kind: 'post',
      status: 'draft',
      revision: 1,
      version: 1,
      hashtags: ['coffee', 'springblend'],
      labels: ['launch'],
      assigneeId: a.membershipId,
      scheduledAt: '2030-03-20T08:00:00.000Z',
      scheduledLocal: '2030-03-20T09:00:00',
      timeZone: 'Europe/Paris',
      scheduleBasis: 'local',
      createdBy: { type: 'member', id: a.membershipId }
    })
    t.same(item.media, [{ url: 'https://cdn.example.com/a.jpg', type: 'image', altText: 'A bag of beans', width: 1080, height: 1350, durationSeconds: null }])
    t.same(item.targets.map((x: any) => [x.socialAccountId, x.platform, x.body, x.media]), [[x, 'x', 'Spring blend 🌸', null], [li, 'linkedin', null, null]])
    const got = await get(item.id)
    t.equal(got.statusCode, 200)
    t.same(json(got), item)
    const again = await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: { ...bearer(a.token), 'if-none-match': '"1"' } })
    t.equal(again.statusCode, 304)
    const events = await h.sql("SELECT type, brand_id, data FROM events WHERE subject_id = $1 AND type = 'content_item.created'", [item.id])
    t.equal(events.length, 1)
    t.equal(events[0].brand_id, brand.id, 'the event carries the brand')
    t.equal(events[0].data.contentItem.title, 'Spring blend launch')
  })

  t.test('minimal item: no targets, no time; defaults are empty', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, title: 'Idea', kind: 'thread', body: '' })
    t.match(item, { body: '', media: [], link: null, hashtags: [], labels: [], firstComment: null, targets: [], scheduledAt: null, scheduledLocal: null, timeZone: null, scheduleBasis: null, campaignId: null, assigneeId: null })
    // The reply is built before the INSERT runs (it travels with COMMIT): it must be what was stored.
    t.same(json(await get(item.id)), item, 'the reply is the stored item, defaults and timestamps included')
  })

  t.test('edit: version and revision go up; targets keep their ids; null clears; brandId is fixed', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id, campaignId: camp, link: 'https://x.example', targets: [{ socialAccountId: x }, { socialAccountId: li }] })
    const res = await h.inject({
      method: 'PATCH',
      url: `/v1/content-items/${item.id}`,
      headers: { ...bearer(a.token), 'if-match': '"1"' },
      payload: { title: 'Renamed', campaignId: null, link: null, targets: [{ socialAccountId: li, body: 'For LinkedIn' }] }
    })
    t.equal(res.statusCode, 200, res.body)
    const after = json(res)
    t.equal(res.headers.etag, '"2"')
    t.match(after, { title: 'Renamed', campaignId: null, link: null, version: 2, revision: 2 })
    t.same(after.targets.map((x: any) => [x.id, x.body]), [[item.targets[1].id, 'For LinkedIn']], 'the kept target keeps its id')
    const noop = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { title: 'Renamed' } })
    t.match(json(noop), { version: 2, revision: 2 }, 'a patch that changes nothing changes nothing')
    const brandChange = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { brandId: brand2.id } })
    t.equal(brandChange.statusCode, 400)
    t.match(json(brandChange).errors, [{ path: 'brandId', message: /fixed after creation/ }])
    const stale = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { title: 'Stale' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2 })
    t.equal(json(await get(item.id)).title, 'Renamed')
    const updated = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'content_item.updated'", [item.id])
    t.same(updated.map((e: any) => e.data.changed.sort()), [['campaignId', 'link', 'targets', 'title']])
  })

  t.test('delete a draft; If-Match; events', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id })
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/content-items/${item.id}`, headers: { ...bearer(a.token), 'if-match': '"7"' } })).statusCode, 412)
    const del = await h.inject({ method: 'DELETE', url: `/v1/content-items/${item.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' } })
    t.equal(del.statusCode, 204)
    t.equal((await get(item.id)).statusCode, 404)
    const types = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${item.id}`, headers: bearer(a.token) })).data.map((e: any) => e.type)
    t.same(types, ['content_item.deleted', 'content_item.created'])
  })

  t.test('bad input is a 400 naming the field, and creates nothing', async (t) => {
    const before = await count()
    const base = { brandId: brand.id, title: 'T', kind: 'post' }
    const cases: Array<[object, string]> = [
      [{ title: 'T', kind: 'post' }, 'brandId'],
      [{ brandId: brand.id, kind: 'post' }, 'title'],
      [{ ...base, kind: 'tweet' }, 'kind'],
      [{ ...base, title: 42 }, 'title'],
      [{ ...base, title: '   ' }, 'title'],
      [{ ...base, title: 'x'.repeat(201) }, 'title'],
      [{ ...base, body: 'x'.repeat(65_001) }, 'body'],
      [{ ...base, brandId: 'nope' }, 'brandId'],
      [{ ...base, status: 'approved' }, 'status'],
      [{ ...base, version: 3 }, 'version'],
      [{ ...base, organizationId: b.orgId }, 'organizationId'],
      [{ ...base, hashtags: ['#coffee'] }, 'hashtags/0'],
      [{ ...base, hashtags: ['coffee', 'Coffee'] }, 'hashtags/1'],
      [{ ...base, hashtags: Array.from({ length: 101 }, (_, i) => `h${i}`) }, 'hashtags'],
      [{ ...base, labels: Array.from({ length: 51 }, (_, i) => `l${i}`) }, 'labels'],
      [{ ...base, labels: ['x'.repeat(101)] }, 'labels/0'],
      [{ ...base, link: 'ftp://example.com/x' }, 'link'],
      [{ ...base, media: [{ url: 'http://cdn.example.com/a.jpg', type: 'image' }] }, 'media/0/url'],
      [{ ...base, media: [{ url: 'https://cdn.example.com/a.jpg', type: 'hologram' }] }, 'media/0/type'],
      [{ ...base, media: [{ url: 'https://cdn.example.com/a.jpg', type: 'image', width: 0 }] }, 'media/0/width'],
      [{ ...base, media: [{ url: 'https://cdn.example.com/a.jpg', type: 'image', extra: 1 }] }, 'media/0/extra'],
      [{ ...base, media: Array.from({ length: 36 }, () => ({ url: 'https://cdn.example.com/a.jpg', type: 'image' })) }, 'media'],
      [{ ...base, targets: [{ socialAccountId: x }, { socialAccountId: x }] }, 'targets/1/socialAccountId'],
      [{ ...base, targets: Array.from({ length: 21 }, () => ({ socialAccountId: x })) }, 'targets'],
      [{ ...base, targets: [{ socialAccountId: x, platform: 'x' }] }, 'targets/0/platform'],
      [{ ...base, targets: [{ socialAccountId: x, body: 'x'.repeat(65_001) }] }, 'targets/0/body'],
      [{ ...base, scheduledAt: '2030-03-20 09:00' }, 'scheduledAt'],
      [{ ...base, scheduledLocal: '2030-03-20T09:00Z' }, 'scheduledLocal'],
      [{ ...base, scheduledLocal: '2030-02-30T09:00' }, 'scheduledLocal'],
      [{ ...base, scheduledAt: '2030-03-20T08:00:00Z', scheduledLocal: '2030-03-20T09:00' }, 'scheduledLocal'],
      [{ ...base, timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ ...base, timeZone: 'Europe/Paris' }, 'timeZone']
    ]
    for (const [payload, path] of cases) {
      const res = await post(a, payload)
      t.equal(res.statusCode, 400, `${JSON.stringify(payload).slice(0, 120)} → ${res.body.slice(0, 200)}`)
      t.ok(json(res).errors?.some((e: any) => e.path === path), `names ${path}: ${JSON.stringify(json(res).errors)?.slice(0, 200)}`)
    }
    const huge = await h.inject({ method: 'POST', url: '/v1/content-items', headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ ...base, body: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
    const text = await h.inject({ method: 'POST', url: '/v1/content-items', headers: { ...bearer(a.token), 'content-type': 'text/plain' }, payload: 'hello' })
    t.equal(text.statusCode, 415)
    t.equal((await h.inject({ method: 'GET', url: '/v1/content-items/not-a-uuid', headers: bearer(a.token) })).statusCode, 400)
    t.equal((await get('00000000-0000-4000-8000-000000000000')).statusCode, 404)
    for (const q of ['status=posted', 'sort=secret', 'limit=201', 'platform=myspace', 'scheduledAtFrom=yesterday', 'brand=x']) {
      t.equal((await h.inject({ method: 'GET', url: `/v1/content-items?${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
    const target = await createItem(h, a, { brandId: brand.id })
    const patchBad = await h.inject({ method: 'PATCH', url: `/v1/content-items/${target.id}`, headers: bearer(a.token), payload: { status: 'published' } })
    t.equal(patchBad.statusCode, 400)
    const big = JSON.stringify({ body: 'x'.repeat(1024 * 1024) })
    for (const [method, path] of [['PATCH', ''], ['POST', '/submit'], ['POST', '/schedule'], ['POST', '/unschedule'], ['POST', '/archive'], ['POST', '/restore']] as const) {
      const huge = await h.inject({ method, url: `/v1/content-items/${target.id}${path}`, headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: big })
      t.equal(huge.statusCode, 413, `${method} ${path} over 1 MiB`)
      for (const [id, status] of [['not-a-uuid', 400], ['00000000-0000-4000-8000-000000000000', 404]] as const) {
        const res = await h.inject({ method, url: `/v1/content-items/${id}${path}`, headers: bearer(a.token), ...(method === 'PATCH' ? { payload: { title: 'x' } } : {}) })
        t.equal(res.statusCode, status, `${method} ${path} ${id}`)
      }
    }
    for (const [id, status] of [['not-a-uuid', 400], ['00000000-0000-4000-8000-000000000000', 404]] as const) {
      t.equal((await h.inject({ method: 'DELETE', url: `/v1/content-items/${id}`, headers: bearer(a.token) })).statusCode, status, `DELETE ${id}`)
    }
    t.match(json(await get(target.id)), { version: 1, status: 'draft' }, 'nothing happened to it')
    t.equal(await count(), before + 1, 'only the item made for the PATCH exists')
  })

  t.test('references: unknown or foreign ids are 404, another brand\'s are 422, naming the field', async (t) => {
    const before = await count()
    const invited = json(await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(a.token), payload: { email: 'pending@example.com', role: 'creator' } })).id
    const limited = await addMember(h, a, 'creator', [brand2.id])
    const base = { brandId: brand.id, title: 'T', kind: 'post', body: 'A post' }
    const cases: Array<[object, number, string]> = [
      [{ ...base, brandId: '00000000-0000-4000-8000-000000000000' }, 404, 'brandId'],
      [{ ...base, brandId: bBrand.id }, 404, 'brandId'],
      [{ ...base, targets: [{ socialAccountId: bAccount }] }, 404, 'targets/0/socialAccountId'],
      [{ ...base, targets: [{ socialAccountId: x }, { socialAccountId: '00000000-0000-4000-8000-000000000000' }] }, 404, 'targets/1/socialAccountId'],
      [{ ...base, targets: [{ socialAccountId: x }, { socialAccountId: x2 }] }, 422, 'targets/1/socialAccountId'],
      [{ ...base, campaignId: bCampaign }, 404, 'campaignId'],
      [{ ...base, campaignId: camp2 }, 422, 'campaignId'],
      [{ ...base, assigneeId: b.membershipId }, 404, 'assigneeId'],
      [{ ...base, assigneeId: invited }, 422, 'assigneeId'],
      [{ ...base, assigneeId: limited.membershipId }, 422, 'assigneeId']
    ]
    for (const [payload, status, path] of cases) {
      const res = await post(a, payload)
      t.equal(res.statusCode, status, `${path}: ${res.body.slice(0, 200)}`)
      t.same(json(res).errors.map((e: any) => e.path), [path])
    }
    const several = await post(a, { ...base, campaignId: camp2, targets: [{ socialAccountId: bAccount }] })
    t.equal(several.statusCode, 404, 'a 404 comes first')
    t.same(json(several).errors.map((e: any) => e.path).sort(), ['campaignId', 'targets/0/socialAccountId'], 'every problem is listed')
    t.equal(await count(), before)
    const edit = await createItem(h, a, { brandId: brand.id })
    for (const [payload, status] of [[{ campaignId: bCampaign }, 404], [{ targets: [{ socialAccountId: bAccount }] }, 404], [{ targets: [{ socialAccountId: x2 }] }, 422], [{ assigneeId: invited }, 422]] as const) {
      const res = await h.inject({ method: 'PATCH', url: `/v1/content-items/${edit.id}`, headers: bearer(a.token), payload })
      t.equal(res.statusCode, status, JSON.stringify(payload))
    }
    t.match(json(await get(edit.id)), { version: 1, campaignId: null, targets: [] }, 'refused edits change nothing')
  })

  t.test('another tenant\'s item is a 404 and stays unchanged', async (t) => {
    const theirs = await createItem(h, b, { brandId: bBrand.id, title: 'Theirs' })
    for (const [method, url, payload] of [
      ['GET', '', undefined], ['PATCH', '', { title: 'Mine' }], ['DELETE', '', undefined],
      ['POST', '/submit', undefined], ['POST', '/archive', undefined], ['GET', '/revisions', undefined]
    ] as const) {
      const res = await h.inject({ method, url: `/v1/content-items/${theirs.id}${url}`, headers: bearer(a.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, `${method} ${url}`)
    }
    const list = json(await h.inject({ method: 'GET', url: '/v1/content-items?limit=200', headers: bearer(a.token) }))
    t.notOk(list.data.some((i: any) => i.id === theirs.id))
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items?brandId=${bBrand.id}`, headers: bearer(a.token) })).statusCode, 200)
    t.match(json(await get(theirs.id, b)), { title: 'Theirs', version: 1, status: 'draft' })
  })

  t.test('list: filters, sorts and keyset pages', async (t) => {
    const s = await signup(h, 'ci-list')
    const br = await createBrand(h, s, 'L', 'UTC')
    const other = await createBrand(h, s, 'M', 'UTC')
    const acX = await socialAccount(h, s.orgId, br.id, 'x')
    const acLi = await socialAccount(h, s.orgId, br.id, 'linkedin')
    const cp = await campaign(h, s.orgId, br.id)
    const made = []
    made.push(await createItem(h, s, { brandId: br.id, title: 'C', kind: 'thread', labels: ['a'], targets: [{ socialAccountId: acX }], scheduledAt: '2030-01-03T10:00:00Z' }))
    made.push(await createItem(h, s, { brandId: br.id, title: 'A', campaignId: cp, labels: ['a', 'b'], targets: [{ socialAccountId: acLi }], scheduledAt: '2030-01-01T10:00:00Z', assigneeId: s.membershipId }))
    made.push(await createItem(h, s, { brandId: br.id, title: 'E' }))
    made.push(await createItem(h, s, { brandId: br.id, title: 'B', scheduledAt: '2030-01-02T10:00:00Z', targets: [{ socialAccountId: acX }, { socialAccountId: acLi }] }))
    made.push(await createItem(h, s, { brandId: other.id, title: 'D' }))
    const list = async (q: string) => {
      const res = await h.inject({ method: 'GET', url: `/v1/content-items?${q}`, headers: bearer(s.token) })
      t.equal(res.statusCode, 200, q)
      return json(res)
    }
    const titles = async (q: string) => (await list(q)).data.map((i: any) => i.title)
    t.same(await titles(''), ['D', 'B', 'E', 'A', 'C'], 'newest first by default')
    t.same(await titles('sort=title'), ['A', 'B', 'C', 'D', 'E'])
    t.same(await titles('sort=-title'), ['E', 'D', 'C', 'B', 'A'])
    t.same((await titles('sort=scheduledAt')).slice(0, 3), ['A', 'B', 'C'], 'timed items first, in time order')
    t.same((await titles('sort=-scheduledAt')).slice(0, 3), ['C', 'B', 'A'], 'descending, untimed still last')
    t.same((await titles('sort=-scheduledAt')).slice(3).sort(), ['D', 'E'])
    t.same(await titles(`brandId=${br.id}&sort=title`), ['A', 'B', 'C', 'E'])
    t.same(await titles(`campaignId=${cp}`), ['A'])
    t.same(await titles('kind=thread'), ['C'])
    t.same(await titles('label=b'), ['A'])
    t.same(await titles('label=a'), ['A', 'C'], 'the same shape of list with another value')
    t.same(await titles('label=a&sort=title'), ['A', 'C'])
    t.same(await titles(`assigneeId=${s.membershipId}`), ['A'])
    t.same(await titles('platform=linkedin&sort=title'), ['A', 'B'])
    t.same(await titles('platform=x&sort=title'), ['B', 'C'])
    t.same(await titles('platform=tiktok'), [])
    t.same(await titles('status=draft&sort=title'), ['A', 'B', 'C', 'D', 'E'])
    t.same(await titles('status=approved'), [])
    t.same(await titles('scheduledAtFrom=2030-01-02T00:00:00Z&scheduledAtTo=2030-01-03T10:00:00Z&sort=scheduledAt'), ['B', 'C'], 'both bounds inclusive')
    for (const sort of ['scheduledAt', '-scheduledAt', 'title', '-updatedAt', '-createdAt']) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: any = await list(`limit=2&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        seen.push(...page.data.map((i: any) => i.title))
        cursor = page.nextCursor
      } while (cursor)
      t.same(seen, await titles(`sort=${sort}`), `pages of 2 by ${sort} give the same order, no gap, no repeat`)
    }
    t.equal(made.length, 5)
  })

  t.test('roles, grants and scopes', async (t) => {
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const limitedCreator = await addMember(h, a, 'creator', [brand2.id])
    const mine = await createItem(h, creator, { brandId: brand.id, title: 'By creator', targets: [{ socialAccountId: x }] })
    t.equal(mine.createdBy.id, creator.membershipId)
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${mine.id}`, headers: bearer(creator.token), payload: { body: 'edited' } })).statusCode, 200)
    const other = await createItem(h, a, { brandId: brand2.id, title: 'Brand 2' })
    for (const s of [analyst, client]) {
      const res = await post(s, { brandId: brand.id, title: 'No', kind: 'post' })
      t.equal(res.statusCode, 403)
      t.equal(json(res).code, 'HERALD_FORBIDDEN')
      t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${mine.id}`, headers: bearer(s.token), payload: { title: 'No' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: `/v1/content-items/${mine.id}`, headers: bearer(s.token) })).statusCode, 403)
      t.equal((await h.inject({ method: 'POST', url: `/v1/content-items/${mine.id}/submit`, headers: bearer(s.token) })).statusCode, 403)
    }
    t.equal((await get(mine.id, analyst)).statusCode, 200, 'analysts read')
    t.equal((await get(mine.id, client)).statusCode, 200, 'clients read their brands')
    t.equal((await get(other.id, client)).statusCode, 404, 'and nothing else')
    const clientList = json(await h.inject({ method: 'GET', url: '/v1/content-items?limit=200', headers: bearer(client.token) }))
    t.ok(clientList.data.length > 0)
    t.ok(clientList.data.every((i: any) => i.brandId === brand.id))
    const ungranted = await post(limitedCreator, { brandId: brand.id, title: 'No', kind: 'post' })
    t.equal(ungranted.statusCode, 404, 'a brand-limited creator cannot see another brand')
    const ungrantedAccount = await post(limitedCreator, { brandId: brand2.id, title: 'No', kind: 'post', targets: [{ socialAccountId: x }] })
    t.equal(ungrantedAccount.statusCode, 404)
    t.equal(json(ungrantedAccount).errors[0].path, 'targets/0/socialAccountId')
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${mine.id}`, headers: bearer(limitedCreator.token), payload: { title: 'No' } })).statusCode, 404)

    const reader = await createApiKey(h, a, ['content:read'])
    t.equal((await h.inject({ method: 'GET', url: '/v1/content-items', headers: bearer(reader.secret) })).statusCode, 200)
    const denied = await post({ token: reader.secret }, { brandId: brand.id, title: 'No', kind: 'post' })
    t.equal(denied.statusCode, 403)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'content:write' })
    const noScope = await createApiKey(h, a, ['brands:read'])
    const noRead = await h.inject({ method: 'GET', url: `/v1/content-items/${mine.id}`, headers: bearer(noScope.secret) })
    t.equal(noRead.statusCode, 403)
    t.equal(json(noRead).missingScope, 'content:read')
    const writer = await createApiKey(h, a, ['content:read', 'content:write'], [brand2.id])
    t.equal((await post({ token: writer.secret }, { brandId: brand2.id, title: 'By key', kind: 'post' })).statusCode, 201)
    t.equal((await post({ token: writer.secret }, { brandId: brand.id, title: 'No', kind: 'post' })).statusCode, 404)
    t.equal((await get(mine.id, { token: writer.secret } as any)).statusCode, 404)
    const keyList = json(await h.inject({ method: 'GET', url: '/v1/content-items?limit=200', headers: bearer(writer.secret) }))
    t.ok(keyList.data.length > 0)
    t.ok(keyList.data.every((i: any) => i.brandId === brand2.id), 'the same list as the client\'s, with other brands visible')
    const noBrands = await createApiKey(h, a, ['content:read'], [])
    const none = json(await h.inject({ method: 'GET', url: '/v1/content-items?limit=200', headers: bearer(noBrands.secret) }))
    t.same(none.data, [], 'a key limited to no brand sees no item')
  })

  t.test('Idempotency-Key replays a create', async (t) => {
    const before = await count()
    const headers = { 'idempotency-key': 'content-create-1' }
    const payload = { brandId: brand.id, title: 'Once', kind: 'post', body: 'Once only', targets: [{ socialAccountId: x }] }
    const first = await post(a, payload, headers)
    const again = await post(a, payload, headers)
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal(await count(), before + 1)
    const other = await post(a, { ...payload, title: 'Twice' }, headers)
    t.equal(other.statusCode, 422)
  })
})
