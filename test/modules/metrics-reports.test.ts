import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'
import { campaign, socialAccount } from '../factories-content.js'
import { createCampaign } from '../factories-campaigns.js'
import { contentItem, ingest, point } from '../factories-metrics.js'

const close = (t: any, actual: number | null, expected: number, msg: string) => t.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${msg}: ${actual} ≈ ${expected}`)

t.test('metric reports', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'reports-a')
  const brand = await createBrand(h, a, 'Lumen', 'Europe/Paris')
  const c1 = await campaign(h, a.orgId, brand.id)
  const c2 = await campaign(h, a.orgId, brand.id)
  const account = await socialAccount(h, a.orgId, brand.id, 'instagram')
  const i1 = await contentItem(h, a.orgId, brand.id, { campaignId: c1, kind: 'reel', scheduledAt: '2026-03-02T08:00:00Z', labels: ['launch'] })
  const i2 = await contentItem(h, a.orgId, brand.id, { campaignId: c1, kind: 'post', scheduledAt: '2026-03-03T17:00:00Z' })
  const day = '2026-03-02'
  const seed = await ingest(h, a.token, [
    point({ subjectId: i1, socialAccountId: account, metric: 'impressions', value: 100, periodStart: day }),
    point({ subjectId: i1, socialAccountId: account, metric: 'engagements', value: 10, periodStart: day }),
    point({ subjectId: i1, socialAccountId: account, metric: 'clicks', value: 5, periodStart: day }),
    point({ subjectId: i2, metric: 'impressions', value: 900, periodStart: day }),
    point({ subjectId: i2, metric: 'engagements', value: 9, periodStart: day }),
    point({ subjectId: i2, metric: 'clicks', value: 4, periodStart: day }),
    point({ subjectType: 'campaign', subjectId: c1, metric: 'spend', value: 50.25, currency: 'EUR', periodStart: day, source: 'ads' }),
    point({ subjectType: 'campaign', subjectId: c1, metric: 'revenue', value: 201, currency: 'EUR', periodStart: day, source: 'shop', collectedAt: '2026-04-02T07:00:00Z' })
  ])
  t.equal(seed.status, 200, JSON.stringify(seed.body))
  const report = async (query: string, token = a.token, headers: Record<string, string> = {}) =>
    await h.inject({ method: 'GET', url: `/v1/reports/metrics?${query}`, headers: { ...bearer(token), ...headers } })

  t.test('rates come from sums, not averages of rates (a worked example)', async (t) => {
    const res = await report(`from=2026-03-01&to=2026-03-31&groupBy=campaign&brandId=${brand.id}`)
    t.equal(res.statusCode, 200, res.body)
    const body = json(res)
    t.equal(body.data.length, 1)
    const row = body.data[0]
    t.equal(row.campaignId, c1)
    t.equal(row.impressions, 1000)
    t.equal(row.engagements, 19)
    // Item rates are 10/100 = 10% and 9/900 = 1%: their average, 5.5%, is not the campaign's rate.
    close(t, row.engagementRate, 0.019, 'engagement rate = 19 / 1000')
    close(t, row.ctr, 0.009, 'ctr = 9 / 1000')
    close(t, row.cpc, 50.25 / 9, 'cpc = spend / clicks')
    close(t, row.cpm, 50.25, 'cpm = spend / impressions × 1000')
    close(t, row.roas, 4, 'roas')
    close(t, row.roi, 3, 'roi')
    t.equal(row.engagementRateByReach, null, 'no reach: null, never NaN or Infinity')
    t.equal(row.cpa, null, 'no conversions: null')
    t.equal(row.spend, 50.25)
    t.equal(row.currency, 'EUR')
    t.same(body.freshness, { oldestCollectedAt: '2026-04-01T06:00:00.000Z', newestCollectedAt: '2026-04-02T07:00:00.000Z', sources: ['ads', 'shop', 'test-collector'] })
  })

  t.test('one SQL statement per report, whatever its size', async (t) => {
    const before = h.queries.length
    const res = await report('from=2026-03-01&to=2026-03-31&groupBy=contentItem,day')
    t.equal(res.statusCode, 200)
    const statements = h.queries.slice(before).filter((q) => /metric_points/.test(q))
    t.equal(statements.length, 1)
  })

  t.test('grouping by account, platform, kind; filters by label and platform', async (t) => {
    const byAccount = json(await report('from=2026-03-01&to=2026-03-31&groupBy=platform,socialAccount&subjectType=content_item'))
    t.match(byAccount.data, [{ platform: 'instagram', socialAccountId: account, impressions: 100 }, { platform: null, socialAccountId: null, impressions: 900 }])
    const byKind = json(await report('from=2026-03-01&to=2026-03-31&groupBy=contentKind'))
    t.same(byKind.data.map((r: any) => [r.contentKind, r.impressions]), [['post', 900], ['reel', 100], [null, 0]])
    t.same(json(await report('from=2026-03-01&to=2026-03-31&label=launch')).data.map((r: any) => r.impressions), [100])
    t.same(json(await report('from=2026-03-01&to=2026-03-31&platform=instagram')).data.map((r: any) => r.impressions), [100])
    t.same(json(await report('from=2026-03-03&to=2026-03-31')).data, [], 'outside the range: no rows')
  })

  t.test('an item moved to another campaign reports under its new campaign', async (t) => {
    await h.sql('UPDATE content_items SET campaign_id = $1 WHERE id = $2', [c2, i2])
    t.teardown(async () => { await h.sql('UPDATE content_items SET campaign_id = $1 WHERE id = $2', [c1, i2]) })
    const rows = json(await report('from=2026-03-01&to=2026-03-31&groupBy=campaign')).data
    const of = (id: string) => rows.find((r: any) => r.campaignId === id)
    t.equal(of(c1).impressions, 100)
    t.equal(of(c2).impressions, 900)
  })

  t.test('Herald never adds two currencies', async (t) => {
    await ingest(h, a.token, [point({ subjectType: 'campaign', subjectId: c2, metric: 'spend', value: 10, currency: 'USD', periodStart: day })])
    const mixed = await report('from=2026-03-01&to=2026-03-31')
    t.equal(mixed.statusCode, 422)
    t.match(json(mixed), { code: 'HERALD_UNPROCESSABLE', reason: 'currency_mix' })
    const byCurrency = json(await report('from=2026-03-01&to=2026-03-31&groupBy=currency'))
    t.same(byCurrency.data.map((r: any) => [r.currency, r.spend]), [['EUR', 50.25], ['USD', 10], [null, 0]])
    t.same(json(await report('from=2026-03-01&to=2026-03-31&currency=EUR')).data.map((r: any) => r.spend), [50.25])
    t.equal(json(await report('from=2026-03-01&to=2026-03-31&groupBy=campaign')).data.length, 2, 'each campaign has one currency')
    await h.sql("DELETE FROM metric_points WHERE currency = 'USD'")
  })

  t.test('CSV for clients: header, dates, money as decimals with its currency', async (t) => {
    const res = await report(`from=2026-03-01&to=2026-03-31&groupBy=campaign,day&campaignId=${c1}`, a.token, { accept: 'text/csv' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const [header, line, ...rest] = res.body.trim().split('\r\n')
    t.same(rest, [])
    const cols = header.split(',')
    t.same(cols.slice(0, 3), ['period', 'campaignId', 'currency'])
    const cells = Object.fromEntries(line.split(',').map((v, i) => [cols[i], v]))
    t.match(cells, { period: '2026-03-02', campaignId: c1, currency: 'EUR', spend: '50.25', revenue: '201', impressions: '1000', engagementRateByReach: '' })
    t.equal(Number(cells.engagementRate), 0.019)
  })

  t.test('days, weeks and hours across DST changes in the brand time zone', async (t) => {
    const hourly = (fromIso: string, hours: number) => Array.from({ length: hours }, (_v, i) =>
      point({ subjectType: 'social_account', subjectId: account, metric: 'impressions', granularity: 'hour', value: 1, periodStart: new Date(Date.parse(fromIso) + i * 3_600_000).toISOString() }))
    // Paris: 2026-03-29 has 23 hours (clocks go forward), 2026-10-25 has 25 (back).
    t.equal((await ingest(h, a.token, [...hourly('2026-03-28T23:00:00Z', 47), ...hourly('2026-10-24T22:00:00Z', 25 + 24)])).status, 200)
    const days = json(await report('from=2026-03-29&to=2026-03-30&groupBy=day&granularity=hour')).data
    t.same(days.map((r: any) => [r.period, r.impressions]), [['2026-03-29', 23], ['2026-03-30', 24]])
    const fall = json(await report('from=2026-10-25&to=2026-10-26&groupBy=day&granularity=hour')).data
    t.same(fall.map((r: any) => [r.period, r.impressions]), [['2026-10-25', 25], ['2026-10-26', 24]])
    const weeks = json(await report('from=2026-03-29&to=2026-03-30&groupBy=week&granularity=hour')).data
    t.same(weeks.map((r: any) => [r.period, r.impressions]), [['2026-03-23', 23], ['2026-03-30', 24]], 'Sunday 29 ends the ISO week of Monday 23')
    const months = json(await report('from=2026-10-01&to=2026-11-30&groupBy=month&granularity=hour')).data
    t.same(months.map((r: any) => [r.period, r.impressions]), [['2026-10-01', 49]])
    const hours = json(await report('from=2026-10-25&to=2026-10-25&groupBy=hour&granularity=hour')).data
    t.equal(hours.length, 25, 'the night clocks go back has 25 distinct hours')
    t.equal(hours[0].period, '2026-10-24T22:00:00Z')
    const refused = await report('from=2026-10-25&to=2026-10-25&groupBy=hour')
    t.equal(refused.statusCode, 400, 'hours need hourly points')
  })

  t.test('followers are a gauge: the last value, not a sum', async (t) => {
    await ingest(h, a.token, [100, 110, 120].map((v, i) => point({ subjectType: 'social_account', subjectId: account, metric: 'followers', value: v, periodStart: `2026-05-0${i + 1}` })))
    t.same(json(await report(`from=2026-05-01&to=2026-05-31&socialAccountId=${account}`)).data.map((r: any) => r.followers), [120])
    t.same(json(await report(`from=2026-05-01&to=2026-05-31&socialAccountId=${account}&groupBy=day`)).data.map((r: any) => r.followers), [100, 110, 120])
  })

  t.test('top content with a minimum of impressions, and best times', async (t) => {
    const top = async (q: string) => json(await h.inject({ method: 'GET', url: `/v1/reports/top-content?from=2026-03-01&to=2026-03-31&${q}`, headers: bearer(a.token) }))
    t.same((await top('minImpressions=0')).data.map((r: any) => r.contentItemId), [i1, i2], 'by engagement rate: 10% before 1%')
    t.same((await top('minImpressions=500')).data.map((r: any) => r.contentItemId), [i2], 'a post seen 100 times is left out')
    t.same((await top('metric=impressions&limit=1')).data.map((r: any) => r.contentItemId), [i2])
    const best = json(await h.inject({ method: 'GET', url: '/v1/reports/best-times?from=2026-03-01&to=2026-03-31', headers: bearer(a.token) }))
    // i1 went out Monday 2 March 09:00 in Paris, i2 Tuesday 3 March 18:00.
    t.same(best.data.map((c: any) => [c.weekday, c.hour, c.posts, c.engagementRate]), [[1, 9, 1, 0.1], [2, 18, 1, 0.01]])
  })

  t.test('bad queries', async (t) => {
    for (const q of ['', 'from=2026-03-01', 'from=2026-03-01&to=2026-02-01', 'from=2026-03-01&to=2027-12-01', 'from=x&to=y', 'from=2026-03-01&to=2026-03-02&groupBy=day,week', 'from=2026-03-01&to=2026-03-02&groupBy=nope', 'from=2026-03-01&to=2026-03-02&brandId=nope', 'from=2026-03-01&to=2026-03-02&extra=1', `from=2026-03-01&to=2026-03-02&label=${'x'.repeat(51)}`]) {
      t.equal((await report(q)).statusCode, 400, q)
    }
  })

  t.test('who may read: a client sees only granted brands; creators may not read metrics', async (t) => {
    const other = await createBrand(h, a)
    const client = await addMember(h, a, 'client', [other.id])
    t.same(json(await report('from=2026-03-01&to=2026-03-31', client.token)).data, [], "not this brand's numbers")
    t.same(json(await report(`from=2026-03-01&to=2026-03-31&brandId=${brand.id}`, client.token)).data, [])
    const granted = await addMember(h, a, 'client', [brand.id])
    t.equal(json(await report('from=2026-03-01&to=2026-03-31&currency=EUR', granted.token)).data[0].impressions, 1000)
    const creator = await addMember(h, a, 'creator')
    t.equal((await report('from=2026-03-01&to=2026-03-31', creator.token)).statusCode, 403)
    const b = await signup(h, 'reports-b')
    t.same(json(await report(`from=2026-03-01&to=2026-03-31&brandId=${brand.id}`, b.token)).data, [], "another organization's brand: nothing")
  })

  t.test('GraphQL for BI tools: typed rows that agree with REST and the CSV, in a bounded number of statements', async (t) => {
    const query = `query ($filter: ReportFilter!) {
      metricsReport(filter: $filter, groupBy: [campaign, day], first: 10) {
        totalCount
        pageInfo { hasNextPage endCursor }
        freshness { newestCollectedAt sources }
        edges { node { campaignId campaign { id name brand { id } } period currency impressions engagements spend engagementRate ctr roas engagementRateByReach contentItem { id } } }
      }
      metricDefinitions { name unit aggregation formula { numerator denominator factor } }
    }`
    const gql = async (variables: object, q = query) => {
      const before = h.queries.length
      const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: q, variables } })
      return { body: json(res), statements: h.queries.length - before }
    }
    const filter = { from: '2026-03-01', to: '2026-03-31', brandId: brand.id }
    const one = await gql({ filter })
    t.notOk(one.body.errors, JSON.stringify(one.body.errors))
    const conn = one.body.data.metricsReport
    t.equal(conn.totalCount, 1)
    const node = conn.edges[0].node
    t.match(node, { campaignId: c1, campaign: { id: c1, brand: { id: brand.id } }, period: '2026-03-02', currency: 'EUR', impressions: 1000, engagements: 19, spend: 50.25, engagementRateByReach: null, contentItem: null })
    const rest = json(await report(`from=2026-03-01&to=2026-03-31&brandId=${brand.id}&groupBy=campaign,day`)).data[0]
    for (const f of ['engagementRate', 'ctr', 'roas', 'spend']) t.equal(node[f], rest[f], `${f} agrees with REST`)
    const csv = (await report(`from=2026-03-01&to=2026-03-31&brandId=${brand.id}&groupBy=campaign,day`, a.token, { accept: 'text/csv' })).body.trim().split('\r\n')
    const cols = csv[0].split(',')
    const cells = csv[1].split(',')
    for (const f of ['engagementRate', 'ctr', 'roas', 'spend']) t.equal(Number(cells[cols.indexOf(f)]), node[f], `${f} agrees with the CSV`)
    t.ok(one.body.data.metricDefinitions.length >= 26)

    // More rows and objects, same statements: a page of items × days.
    const byItem = 'query ($filter: ReportFilter!) { metricsReport(filter: $filter, groupBy: [contentItem, day]) { edges { node { contentItem { id title } campaign { name } impressions engagementRate } } } }'
    const items = { ...filter, subjectType: 'content_item' }
    const few = await gql({ filter: { ...items, label: 'launch' } }, byItem)
    const more = await gql({ filter: items }, byItem)
    t.equal(few.body.data.metricsReport.edges.length, 1)
    t.equal(more.body.data.metricsReport.edges.length, 2)
    t.equal(more.statements, few.statements, `1 row and 2 rows both take ${few.statements} statements`)
    t.ok(more.statements <= 4, `bounded: ${more.statements}`)

    const paged = await gql({ filter: items }, 'query ($filter: ReportFilter!) { metricsReport(filter: $filter, groupBy: [contentItem], first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { node { contentItemId } } } }')
    const first = paged.body.data.metricsReport
    t.match(first, { totalCount: 2, pageInfo: { hasNextPage: true } })
    const next = await gql({ filter: items, after: first.pageInfo.endCursor }, 'query ($filter: ReportFilter!, $after: String) { metricsReport(filter: $filter, groupBy: [contentItem], first: 1, after: $after) { pageInfo { hasNextPage } edges { node { contentItemId } } } }')
    t.match(next.body.data.metricsReport, { pageInfo: { hasNextPage: false } })
    t.not(next.body.data.metricsReport.edges[0].node.contentItemId, first.edges[0].node.contentItemId)

    const bad = await gql({ filter: { from: '2026-03-01', to: 'nope' } })
    t.equal(bad.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    const top = await gql({ filter }, 'query ($filter: ReportFilter!) { topContent(filter: $filter, minImpressions: 0) { contentItemId engagementRate } bestTimes(filter: $filter) { weekday hour posts engagementRate } }')
    t.same(top.body.data.topContent.map((r: any) => r.contentItemId), [i1, i2])
    t.equal(top.body.data.bestTimes.length, 2)
  })

  t.test('campaign progress: spend to date and every KPI target', async (t) => {
    const today = new Date()
    const d = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10)
    // 20 days from 9 days ago: 10 of them gone by today (in Paris; the test avoids midnight edges by taking whole days).
    const c = await createCampaign(h, a, brand.id, {
      startsOn: d(-9),
      endsOn: d(10),
      budget: { amountMinor: 100000, currency: 'EUR' },
      kpiTargets: [{ metric: 'impressions', target: 1000 }, { metric: 'engagements', target: 100 }, { metric: 'engagement_rate', target: 0.03 }, { metric: 'cpc', target: 1 }]
    })
    const item = await contentItem(h, a.orgId, brand.id, { campaignId: c.id })
    t.equal((await ingest(h, a.token, [
      point({ subjectId: item, metric: 'impressions', value: 1000, periodStart: d(-5) }),
      point({ subjectId: item, metric: 'engagements', value: 40, periodStart: d(-5) }),
      point({ subjectId: item, metric: 'clicks', value: 10, periodStart: d(-5) }),
      point({ subjectType: 'campaign', subjectId: c.id, metric: 'spend', value: 12.34, currency: 'EUR', periodStart: d(-5) })
    ])).status, 200)
    const res = await h.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/progress`, headers: bearer(a.token) })
    t.equal(res.statusCode, 200, res.body)
    const p = json(res)
    t.same(p.spendToDate, { amountMinor: 1234, currency: 'EUR' })
    const kpi = (m: string) => p.kpis.find((k: any) => k.metric === m)
    const expected = kpi('impressions').expectedShare
    t.ok(expected > 0.4 && expected <= 0.55, `about half the days are gone (${expected})`)
    t.match(kpi('impressions'), { actual: 1000, share: 1, status: 'hit' })
    t.match(kpi('engagements'), { actual: 40, share: 0.4, status: 'at_risk' })
    t.match(kpi('engagement_rate'), { actual: 0.04, expectedShare: null, status: 'on_track' })
    t.match(kpi('cpc'), { status: 'at_risk', expectedShare: null })
    close(t, kpi('cpc').actual, 1.234, 'cpc from sums')

    t.equal((await h.inject({ method: 'GET', url: `/v1/campaigns/${c1}/progress`, headers: bearer(a.token) })).statusCode, 200)
    const viaGraphql = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: `{ campaign(id: "${c.id}") { progress { spendToDate { amountMinor currency } kpis { metric actual share expectedShare status } } } }` } }))
    t.notOk(viaGraphql.errors, JSON.stringify(viaGraphql.errors))
    t.same(viaGraphql.data.campaign.progress.kpis, p.kpis.map(({ window: _w, target: _t, ...k }: any) => k), 'GraphQL and REST agree')
    t.same(viaGraphql.data.campaign.progress.spendToDate, p.spendToDate)
    const b = await signup(h, 'reports-c')
    t.equal((await h.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/progress`, headers: bearer(b.token) })).statusCode, 404, "another organization's campaign")
    t.equal((await h.inject({ method: 'GET', url: '/v1/campaigns/not-a-uuid/progress', headers: bearer(a.token) })).statusCode, 400)
    const creator = await addMember(h, a, 'creator')
    t.equal((await h.inject({ method: 'GET', url: `/v1/campaigns/${c.id}/progress`, headers: bearer(creator.token) })).statusCode, 403)
  })
})
