import { randomUUID } from 'node:crypto'
import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { campaign, socialAccount } from '../factories-content.js'
import { contentItem, ingest, point } from '../factories-metrics.js'

t.test('metrics: catalogue, ingestion, refusals', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'metrics-a')
  const b = await signup(h, 'metrics-b')
  const brand = await createBrand(h, a, 'Lumen')
  const camp = await campaign(h, a.orgId, brand.id)
  const item = await contentItem(h, a.orgId, brand.id, { campaignId: camp })
  const otherOrgItem = await contentItem(h, b.orgId, (await createBrand(h, b)).id)

  t.test('the catalogue is data: units, aggregation, subjects, formulas', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/metric-definitions', headers: bearer(a.token) })
    t.equal(res.statusCode, 200)
    const byName = new Map(json(res).data.map((d: any) => [d.name, d]))
    for (const name of ['impressions', 'reach', 'engagements', 'likes', 'comments', 'shares', 'saves', 'clicks', 'video_views', 'followers', 'conversions', 'spend', 'revenue', 'mentions', 'negative_mentions', 'response_seconds_total', 'responses']) {
      t.ok(byName.has(name), name)
    }
    t.match(byName.get('followers'), { unit: 'count', aggregation: 'last', appliesTo: ['social_account'] })
    t.match(byName.get('spend'), { unit: 'money', aggregation: 'sum' })
    t.match(byName.get('average_response_seconds'), { unit: 'seconds', aggregation: 'rate', formula: { numerator: 'response_seconds_total', denominator: 'responses' } })
    t.match(byName.get('cpm'), { formula: { numerator: 'spend', denominator: 'impressions', factor: 1000 } })
  })

  t.test('the same batch twice changes nothing; a later collectedAt replaces, an older one is ignored', async (t) => {
    const batch = [
      point({ subjectId: item, metric: 'impressions', value: 100, periodStart: '2026-03-02' }),
      point({ subjectId: item, metric: 'engagements', value: 7, periodStart: '2026-03-02' })
    ]
    const first = await ingest(h, a.token, batch)
    t.equal(first.status, 200, JSON.stringify(first.body))
    t.same(first.body, { received: 2, inserted: 2, updated: 0, unchanged: 0 })
    t.same((await ingest(h, a.token, batch)).body, { received: 2, inserted: 0, updated: 0, unchanged: 2 })

    const later = await ingest(h, a.token, [point({ subjectId: item, metric: 'impressions', value: 150, periodStart: '2026-03-02', collectedAt: '2026-04-02T06:00:00Z' })])
    t.same(later.body, { received: 1, inserted: 0, updated: 1, unchanged: 0 })
    const older = await ingest(h, a.token, [point({ subjectId: item, metric: 'impressions', value: 90, periodStart: '2026-03-02', collectedAt: '2026-03-03T06:00:00Z' })])
    t.same(older.body, { received: 1, inserted: 0, updated: 0, unchanged: 1 }, 'a late, older reading is ignored')
    const rows = await h.sql("SELECT value::float8 AS value, period_start FROM metric_points WHERE subject_id = $1 AND metric = 'impressions'", [item])
    t.equal(rows.length, 1)
    t.equal(rows[0].value, 150)
    t.equal(rows[0].period_start.toISOString(), '2026-03-01T23:00:00.000Z', "a date is the brand's midnight (Paris, UTC+1 in March)")
    const events = await h.sql("SELECT data FROM events WHERE organization_id = $1 AND type = 'metrics.ingested'", [a.orgId])
    t.equal(events.length, 2, 'one event per ingestion that changed something, none for the no-op ones')
  })

  t.test('validation is all-or-nothing and names every problem by index', async (t) => {
    const good = point({ subjectId: item, metric: 'likes', value: 1, periodStart: '2026-03-05' })
    const res = await ingest(h, a.token, [
      good,
      { ...good, metric: 'lieks' },
      { ...good, periodStart: '2026-03-05T10:30:00Z', granularity: 'hour', metric: 'shares' },
      { ...good, metric: 'spend' },
      { ...good, metric: 'saves', currency: 'EUR' },
      { ...good, metric: 'comments', value: -1 },
      { ...good, metric: 'clicks', value: '3' },
      { ...good, metric: 'reach', extra: true }
    ])
    t.equal(res.status, 400)
    t.equal(res.body.code, 'HERALD_VALIDATION')
    const paths = res.body.errors.map((e: any) => e.path)
    for (const p of ['points/1/metric', 'points/2/periodStart', 'points/3/currency', 'points/4/currency', 'points/5/value', 'points/6/value', 'points/7/extra']) t.ok(paths.includes(p), p)
    t.notOk(paths.some((p: string) => p.startsWith('points/0')), 'the good point has no problem')
    t.same(await h.sql("SELECT 1 FROM metric_points WHERE metric = 'likes'"), [], 'nothing stored')

    const dup = await ingest(h, a.token, [good, { ...good, value: 2 }])
    t.equal(dup.status, 400)
    t.match(dup.body.errors, [{ path: 'points/1', message: /points\/0/ }])

    for (const body of [{}, { points: [] }, { points: 'x' }, []]) {
      const r = await h.inject({ method: 'POST', url: '/v1/metrics', headers: bearer(a.token), payload: body })
      t.equal(r.statusCode, 400, JSON.stringify(body))
    }
  })

  t.test('10,001 points are refused with a clear error, and nothing is stored', async (t) => {
    const points = Array.from({ length: 10_001 }, (_v, i) => point({ subjectId: item, metric: 'video_views', value: i, periodStart: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(), granularity: 'hour' }))
    const res = await ingest(h, a.token, points)
    t.equal(res.status, 400)
    t.match(res.body.errors, [{ path: 'points', message: /at most 10000 points/ }])
    t.same(await h.sql("SELECT 1 FROM metric_points WHERE metric = 'video_views'"), [])
    const ok = await ingest(h, a.token, points.slice(0, 10_000))
    t.same(ok.body, { received: 10_000, inserted: 10_000, updated: 0, unchanged: 0 }, '10,000 are fine')
  })

  t.test("unknown subjects and another organization's are unknown ids, by index", async (t) => {
    const res = await ingest(h, a.token, [
      point({ subjectId: item, metric: 'likes', value: 1, periodStart: '2026-03-06' }),
      point({ subjectId: otherOrgItem, metric: 'likes', value: 1, periodStart: '2026-03-06' }),
      point({ subjectType: 'campaign', subjectId: randomUUID(), metric: 'likes', value: 1, periodStart: '2026-03-06' })
    ])
    t.equal(res.status, 404)
    t.same(res.body.errors.map((e: any) => e.path), ['points/1/subjectId', 'points/2/subjectId'])
    t.same(await h.sql("SELECT 1 FROM metric_points WHERE period_start = '2026-03-05T23:00:00Z' AND metric = 'likes'"), [])
    const otherBrandAccount = await socialAccount(h, a.orgId, (await createBrand(h, a)).id)
    const wrong = await ingest(h, a.token, [point({ subjectId: item, socialAccountId: otherBrandAccount, metric: 'likes', value: 1, periodStart: '2026-03-06' })])
    t.equal(wrong.status, 422)
    t.match(wrong.body.errors, [{ path: 'points/0/socialAccountId' }])
  })

  t.test('who may ingest: analysts, managers, admins, owners and keys with metrics:write', async (t) => {
    const p = (v: number) => [point({ subjectId: item, metric: 'saves', value: v, periodStart: '2026-03-07', collectedAt: `2026-04-01T06:00:0${v}Z` })]
    for (const role of ['analyst', 'manager', 'admin'] as const) {
      const m = await addMember(h, a, role)
      t.equal((await ingest(h, m.token, p(1))).status, 200, role)
    }
    for (const role of ['creator', 'client'] as const) {
      const m = await addMember(h, a, role, role === 'client' ? [brand.id] : undefined)
      const res = await ingest(h, m.token, p(2))
      t.equal(res.status, 403, role)
      t.equal(res.body.code, 'HERALD_FORBIDDEN')
    }
    const writer = await createApiKey(h, a, ['metrics:write'])
    t.equal((await ingest(h, writer.secret, p(3))).status, 200, 'key with metrics:write')
    const reader = await createApiKey(h, a, ['metrics:read'])
    const refused = await ingest(h, reader.secret, p(4))
    t.equal(refused.status, 403)
    t.match(refused.body, { missingScope: 'metrics:write' })
    const otherBrandKey = await createApiKey(h, a, ['metrics:write'], [(await createBrand(h, a)).id])
    t.equal((await ingest(h, otherBrandKey.secret, p(5))).status, 404, "a key limited to another brand does not see this brand's item")
    const anonymous = await h.inject({ method: 'POST', url: '/v1/metrics', payload: { points: p(6) } })
    t.equal(anonymous.statusCode, 401)
  })

  t.test('CSV ingestion goes through the same checks', async (t) => {
    const csv = [
      'subjectType,subjectId,metric,granularity,periodStart,value,currency,source,collectedAt',
      `campaign,${camp},spend,day,2026-03-08,12.34,EUR,"ads, manual",2026-04-01T06:00:00Z`,
      `content_item,${item},clicks,day,2026-03-08,5,,ads,2026-04-01T06:00:00Z`
    ].join('\n')
    const res = await h.inject({ method: 'POST', url: '/v1/metrics', headers: { ...bearer(a.token), 'content-type': 'text/csv' }, payload: csv })
    t.equal(res.statusCode, 200, res.body)
    t.same(json(res), { received: 2, inserted: 2, updated: 0, unchanged: 0 })
    const [row] = await h.sql("SELECT value::text, currency, source FROM metric_points WHERE subject_id = $1 AND metric = 'spend'", [camp])
    t.same(row, { value: '12.34', currency: 'EUR', source: 'ads, manual' })
    const bad = await h.inject({ method: 'POST', url: '/v1/metrics', headers: { ...bearer(a.token), 'content-type': 'text/csv' }, payload: `subjectType,subjectId,metric,granularity,periodStart,value,source,collectedAt\ncampaign,${camp},spend,day,2026-03-09,x,ads,2026-04-01T06:00:00Z\n` })
    t.equal(bad.statusCode, 400)
    t.same(json(bad).errors.map((e: any) => e.path), ['points/0/value'], 'a cell that is not a number is named')
    const header = await h.inject({ method: 'POST', url: '/v1/metrics', headers: { ...bearer(a.token), 'content-type': 'text/csv' }, payload: 'subjectType,nope\n' })
    t.equal(header.statusCode, 400)
  })

  t.test('crisis seam: sumOverWindow and the afterIngest hook', async (t) => {
    const account = await socialAccount(h, a.orgId, brand.id)
    const seen: any[] = []
    const off = h.app.metricsService.hooks.afterIngest.register(async (_ctx, summary) => { seen.push(summary) })
    t.teardown(off)
    const hours = [0, 1, 2].map((i) => point({ subjectType: 'social_account', subjectId: account, metric: 'negative_mentions', granularity: 'hour', value: 10 + i, periodStart: `2026-03-10T0${i}:00:00Z` }))
    t.equal((await ingest(h, a.token, hours)).status, 200)
    t.equal(seen.length, 1)
    t.match(seen[0], { orgId: a.orgId, brandIds: [brand.id], metrics: ['negative_mentions'], inserted: 3, updated: 0 })
    t.equal(seen[0].periodFrom.toISOString(), '2026-03-10T00:00:00.000Z')
    const sum = await h.app.metricsService.sumOverWindow(a.orgId, brand.id, 'negative_mentions', new Date('2026-03-10T01:00:00Z'), new Date('2026-03-10T03:00:00Z'))
    t.equal(sum, 23, 'hours 01 and 02')
    t.equal(await h.app.metricsService.sumOverWindow(b.orgId, brand.id, 'negative_mentions', new Date('2026-03-10T00:00:00Z'), new Date('2026-03-11T00:00:00Z')), 0, 'another organization sees nothing')
    await ingest(h, a.token, hours)
    t.equal(seen.length, 1, 'a batch that changed nothing fires nothing')
  })
  t.test("a deleted brand's points go with it (no foreign key: a trigger on brands), other brands' stay", async (t) => {
    const gone = await createBrand(h, a, 'Short-lived')
    const goneCampaign = await campaign(h, a.orgId, gone.id)
    const stays = point({ subjectType: 'campaign', subjectId: camp, metric: 'clicks', value: 5, periodStart: '2026-03-20' })
    t.equal((await ingest(h, a.token, [point({ subjectType: 'campaign', subjectId: goneCampaign, metric: 'clicks', value: 3, periodStart: '2026-03-20' }), stays])).status, 200)
    const count = async (brandId: string) => (await h.sql('SELECT count(*)::int AS n FROM metric_points WHERE brand_id = $1', [brandId]))[0].n
    t.equal(await count(gone.id), 1)
    const res = await h.inject({ method: 'DELETE', url: `/v1/brands/${gone.id}`, headers: bearer(a.token) })
    t.equal(res.statusCode, 204, res.body)
    t.equal(await count(gone.id), 0, "the brand's points are deleted with it")
    t.ok(await count(brand.id) > 0, "another brand's points stay")
    const late = await ingest(h, a.token, [point({ subjectType: 'campaign', subjectId: goneCampaign, metric: 'clicks', value: 4, periodStart: '2026-03-21' })])
    t.equal(late.status, 404, 'a point for the deleted brand is refused, not stored')
  })
})
