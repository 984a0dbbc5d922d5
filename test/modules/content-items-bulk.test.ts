import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { campaign, socialAccount } from '../factories-content.js'

t.test('bulk creation: JSON and CSV, all or nothing, every problem reported', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'bulk-a')
  const b = await signup(h, 'bulk-b')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const brand2 = await createBrand(h, a, 'Other', 'UTC')
  const bBrand = await createBrand(h, b, 'Theirs')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const x2 = await socialAccount(h, a.orgId, brand2.id, 'x')
  const cp = await campaign(h, a.orgId, brand.id)
  const bulk = (payload: object, s: { token: string } = a, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(s.token), ...headers }, payload })
  const csv = (text: string, s: { token: string } = a, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(s.token), 'content-type': 'text/csv', ...headers }, payload: text })
  const count = async () => (await h.sql('SELECT count(*)::int AS n FROM content_items WHERE organization_id = $1', [a.orgId]))[0].n
  const item = (over: object = {}) => ({ brandId: brand.id, title: 'Post', kind: 'post', body: 'A post', ...over })

  t.test('JSON: every item created, in order, each with its revision and event', async (t) => {
    const res = await bulk({ items: [item({ title: 'One', targets: [{ socialAccountId: x }] }), item({ title: 'Two', campaignId: cp, scheduledLocal: '2030-06-01T09:00' }), item({ brandId: brand2.id, title: 'Three', targets: [{ socialAccountId: x2 }] })] })
    t.equal(res.statusCode, 201, res.body)
    const data = json(res).data
    t.same(data.map((i: any) => i.title), ['One', 'Two', 'Three'])
    t.same(data[0].targets.map((x: any) => x.platform), ['x'])
    t.equal(data[1].scheduledAt, '2030-06-01T07:00:00.000Z')
    t.ok(data.every((i: any) => i.status === 'draft' && i.revision === 1))
    const ids = data.map((i: any) => i.id)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE subject_id = ANY($1) AND type = 'content_item.created'", [ids]))[0].n, 3)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM content_revisions WHERE content_item_id = ANY($1) AND revision = 1', [ids]))[0].n, 3)
  })

  t.test('JSON: one bad item stops them all, and every problem of every item is named', async (t) => {
    const before = await count()
    const shape = await bulk({ items: [item(), item({ title: '' }), item(), item({ targets: [{ socialAccountId: x }, { socialAccountId: x }] }), item({ kind: 'tweet', extra: 1 })] })
    t.equal(shape.statusCode, 400)
    t.same(json(shape).errors.map((e: any) => e.path), ['items/1/title', 'items/3/targets/1/socialAccountId', 'items/4/kind', 'items/4/extra'])
    const refs = await bulk({
      items: [
        item({ targets: [{ socialAccountId: x }] }),
        item({ targets: [{ socialAccountId: li }, { socialAccountId: x2 }] }),
        item({ campaignId: '00000000-0000-4000-8000-000000000000' }),
        item({ brandId: bBrand.id }),
        item({ scheduledLocal: '2030-03-31T02:30' })
      ]
    })
    t.equal(refs.statusCode, 400, 'problems of several kinds: a 400 in which each problem says its own kind')
    t.same(json(refs).errors.map((e: any) => [e.path, e.code]), [
      ['items/1/targets/1/socialAccountId', 'HERALD_UNPROCESSABLE'],
      ['items/2/campaignId', 'HERALD_NOT_FOUND'],
      ['items/3/brandId', 'HERALD_NOT_FOUND'],
      ['items/4/scheduledLocal', 'HERALD_UNPROCESSABLE']
    ])
    t.match(json(refs).errors[0].message, /another brand/)
    t.equal(await count(), before, 'nothing was created')
    await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/blackouts`, headers: bearer(a.token), payload: { startsAt: '2031-01-01T00:00:00Z', endsAt: '2031-01-02T00:00:00Z', reason: 'Closed' } })
    const blackout = await bulk({ items: [item(), item({ scheduledAt: '2031-01-01T10:00:00Z' })] })
    t.equal(blackout.statusCode, 409)
    t.match(json(blackout), { code: 'HERALD_BLACKOUT', errors: [{ path: 'items/1/scheduledAt' }], blackout: { reason: 'Closed' } })
    t.equal(await count(), before)
  })

  t.test('JSON: shape and size limits', async (t) => {
    const cases: Array<[unknown, string]> = [[{ items: [] }, 'items'], [{ items: Array.from({ length: 101 }, () => item()) }, 'items'], [{}, 'items'], [{ items: [item()], dryRun: true }, 'dryRun'], [{ items: 'all' }, 'items']]
    for (const [payload, path] of cases) {
      const res = await bulk(payload as object)
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80))
      t.ok(json(res).errors.some((e: any) => e.path === path), path)
    }
    t.equal((await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: '[1' })).statusCode, 400)
    const huge = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ items: [item({ body: 'x'.repeat(1024 * 1024) })] }) })
    t.equal(huge.statusCode, 413)
    t.equal((await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(a.token), 'content-type': 'text/plain' }, payload: 'x' })).statusCode, 415)
    t.equal((await h.inject({ method: 'POST', url: '/v1/content-items', headers: { ...bearer(a.token), 'content-type': 'text/csv' }, payload: 'a,b' })).statusCode, 415, 'CSV is accepted by the bulk import only')
  })

  t.test('CSV: quoted fields, lists, targets, both schedule forms', async (t) => {
    const text = '\uFEFFbrandId,title,kind,body,hashtags,labels,socialAccountIds,scheduledLocal,timeZone,scheduledAt,campaignId\r\n' +
      `${brand.id},Spring launch,post,"Our spring blend, roasted ""this"" week.\nSee you!",coffee springblend,launch; spring,${x};${li},2030-06-01T09:00,America/New_York,,${cp}\r\n` +
      '\r\n' +
      `${brand.id},Latte art,reel,,,,,,,2030-06-02T10:00:00Z,\r\n`
    const res = await csv(text)
    t.equal(res.statusCode, 201, res.body)
    const [one, two] = json(res).data
    t.match(one, { title: 'Spring launch', body: 'Our spring blend, roasted "this" week.\nSee you!', hashtags: ['coffee', 'springblend'], labels: ['launch', 'spring'], campaignId: cp, scheduledLocal: '2030-06-01T09:00:00', timeZone: 'America/New_York', scheduleBasis: 'local' })
    t.same(one.targets.map((t: any) => t.socialAccountId), [x, li])
    t.match(two, { title: 'Latte art', kind: 'reel', body: '', hashtags: [], targets: [], scheduledAt: '2030-06-02T10:00:00.000Z', timeZone: 'Europe/Paris', campaignId: null })
  })

  t.test('CSV: problems name the row and the line', async (t) => {
    const before = await count()
    const text = 'brandId,title,kind,body,socialAccountIds\n' +
      `${brand.id},Fine,post,Hello,${x}\n` +
      `${brand.id},"Two\nlines",tweet,Hi,\n` +
      '\n' +
      `${brand.id},,post,Hi,${x2}\n`
    const res = await csv(text)
    t.equal(res.statusCode, 400)
    t.same(json(res).errors, [
      { path: 'items/1/kind', message: 'Invalid option: expected one of "post"|"story"|"reel"|"short_video"|"video"|"carousel"|"article"|"thread" (CSV line 3)' },
      { path: 'items/2/title', message: 'Invalid input: expected string, received undefined (CSV line 6)' }
    ])
    const refs = await csv(`brandId,title,kind,body,socialAccountIds\n${brand.id},A,post,Hi,${x}\n${brand.id},B,post,Hi,${x2}\n`)
    t.equal(refs.statusCode, 422)
    t.same(json(refs).errors, [{ path: 'items/1/targets/0/socialAccountId', message: 'the social account belongs to another brand (CSV line 3)' }])
    t.match(json(refs).detail, /CSV line 3/)
    const columns = await csv(`brandId,title,kind,platform\n${brand.id},A,post,x\n`)
    t.equal(columns.statusCode, 400)
    t.match(json(columns).errors, [{ path: 'columns/platform', message: /unknown column/ }])
    t.match(json(await csv(`brandId,title,title\n${brand.id},A,B\n`)).errors, [{ path: 'columns/title', message: 'column given twice' }])
    t.match(json(await csv(`brandId,title,kind\n${brand.id},"A,post\n`)).errors, [{ path: '(body)', message: /cannot be read/ }])
    t.match(json(await csv(`brandId,title,kind\n${brand.id},A\n`)).errors, [{ path: '(body)', message: /cannot be read/ }])
    t.match(json(await csv('')).errors, [{ path: '(body)', message: /empty/ }])
    t.match(json(await csv('brandId,title,kind\n')).errors, [{ path: 'items', message: /no rows/ }])
    const many = 'brandId,title,kind\n' + Array.from({ length: 101 }, (_, i) => `${brand.id},P${i},post`).join('\n')
    t.match(json(await csv(many)).errors, [{ path: 'items', message: /at most 100 rows/ }])
    t.equal(await count(), before)
  })

  t.test('Idempotency-Key, tenants, grants, scopes', async (t) => {
    const before = await count()
    const text = `brandId,title,kind\n${brand.id},Once,post\n`
    const first = await csv(text, a, { 'idempotency-key': 'csv-1' })
    const again = await csv(text, a, { 'idempotency-key': 'csv-1' })
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal((await csv(`brandId,title,kind\n${brand.id},Twice,post\n`, a, { 'idempotency-key': 'csv-1' })).statusCode, 422)
    const j1 = await bulk({ items: [item({ title: 'J' })] }, a, { 'idempotency-key': 'json-1' })
    t.same(json(await bulk({ items: [item({ title: 'J' })] }, a, { 'idempotency-key': 'json-1' })), json(j1))
    t.equal(await count(), before + 2)

    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    for (const s of [analyst, client]) t.equal((await bulk({ items: [item()] }, s)).statusCode, 403)
    const reader = await createApiKey(h, a, ['content:read'])
    t.match(json(await csv(text, { token: reader.secret })), { code: 'HERALD_FORBIDDEN', missingScope: 'content:write' })
    const limited = await createApiKey(h, a, ['content:write'], [brand2.id])
    const hidden = await bulk({ items: [item({ brandId: brand2.id }), item()] }, { token: limited.secret })
    t.equal(hidden.statusCode, 404)
    t.same(json(hidden).errors.map((e: any) => e.path), ['items/1/brandId'])
    const foreign = await bulk({ items: [item({ brandId: bBrand.id })] }, b)
    t.equal(foreign.statusCode, 201, 'their own brand is fine for them')
    t.equal((await bulk({ items: [item({ targets: [{ socialAccountId: x }] })] }, b)).statusCode, 404, 'another tenant\'s brand and account')
    t.equal(await count(), before + 2)
  })
})
