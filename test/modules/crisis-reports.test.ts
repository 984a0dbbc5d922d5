import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, socialAccount } from '../factories-content.js'
import { activate, createPlaybook } from '../factories-crisis.js'

t.test('incident reports and the post-incident export', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'rep-a')
  const b = await signup(h, 'rep-b')
  const brand = await createBrand(h, a, 'Lumen', 'Pacific/Auckland')
  const other = await createBrand(h, a, 'Other', 'UTC')
  const x = await socialAccount(h, a.orgId, brand.id, 'x')
  const item = await approvedItem(h, a, brand.id, x, { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })
  await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token) })

  const p = await createPlaybook(h, a, { pausePublishing: true })
  const inc = json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' }))
  // Opened 2 hours ago (in the brand's next month in Auckland when UTC is still in the previous one, checked below).
  await h.sql("UPDATE incidents SET created_at = '2031-01-31T12:30:00Z' WHERE id = $1", [inc.id])
  await h.sql("UPDATE incident_steps SET due_at = '2031-01-31T12:45:00Z' WHERE incident_id = $1", [inc.id])
  await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/acknowledge`, headers: bearer(a.token) })
  await h.sql("UPDATE incidents SET acknowledged_at = '2031-01-31T12:40:00Z' WHERE id = $1", [inc.id])
  await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/notes`, headers: bearer(a.token), payload: { body: 'Press call at *noon* | ok' } })
  await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/resolve`, headers: bearer(a.token), payload: { summary: '=cmd|evil' } })
  await h.sql("UPDATE incidents SET resolved_at = '2031-01-31T14:30:00Z' WHERE id = $1", [inc.id])
  const p2 = await createPlaybook(h, a)
  const open = json(await activate(h, a, p2.id, { brandId: other.id, severity: 'sev2' }))

  t.test('JSON: per incident and per brand and month (brand time zone)', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/reports/incidents', headers: bearer(a.token) })
    t.equal(res.statusCode, 200, res.body)
    const r = json(res)
    const mine = r.incidents.find((i: any) => i.incidentId === inc.id)
    t.match(mine, { brandId: brand.id, severity: 'sev1', status: 'resolved', openedAt: '2031-01-31T12:30:00.000Z', timeToAcknowledgeSeconds: 600, timeToResolveSeconds: 7200, stepsBreached: 2, itemsHeld: 1 })
    t.match(r.incidents.find((i: any) => i.incidentId === open.id), { timeToAcknowledgeSeconds: null, timeToResolveSeconds: null, stepsBreached: 0, itemsHeld: 0 })
    t.match(r.byBrandMonth.find((m: any) => m.brandId === brand.id), { month: '2031-02', incidents: 1, meanTimeToAcknowledgeSeconds: 600, meanTimeToResolveSeconds: 7200, stepsBreached: 2, itemsHeld: 1 }, 'February already in Auckland')
    const filtered = json(await h.inject({ method: 'GET', url: `/v1/reports/incidents?brandId=${other.id}`, headers: bearer(a.token) }))
    t.same(filtered.incidents.map((i: any) => i.incidentId), [open.id])
    const ranged = json(await h.inject({ method: 'GET', url: '/v1/reports/incidents?from=2031-01-01T00:00:00Z&to=2031-02-01T00:00:00Z', headers: bearer(a.token) }))
    t.same(ranged.incidents.map((i: any) => i.incidentId), [inc.id])
    t.same(json(await h.inject({ method: 'GET', url: '/v1/reports/incidents', headers: bearer(b.token) })).incidents, [], 'tenants')
  })

  t.test('CSV: one table, quoted, formulas neutralised', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/reports/incidents?format=csv', headers: bearer(a.token) })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/csv/)
    const lines = res.body.trim().split('\r\n')
    t.equal(lines[0], 'incidentId,brandId,playbookId,severity,status,openedAt,timeToAcknowledgeSeconds,timeToResolveSeconds,stepsBreached,itemsHeld')
    t.ok(lines.some((l) => l.startsWith(`"${inc.id}"`) && l.endsWith('"600","7200","2","1"')))
    const months = await h.inject({ method: 'GET', url: '/v1/reports/incidents?format=csv&groupBy=brandMonth', headers: bearer(a.token) })
    t.match(months.body, /^brandId,month,incidents,/)
    t.match(months.body, new RegExp(`"${brand.id}","2031-02","1","600","7200","2","1"`))
  })

  t.test('export: JSON and Markdown', async (t) => {
    const res = await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/export`, headers: bearer(a.token) })
    t.equal(res.statusCode, 200, res.body)
    const x = json(res)
    t.match(x, { incident: { id: inc.id, status: 'resolved', summary: '=cmd|evil' }, playbook: { id: p.id, version: 1, name: p.name }, measures: { timeToResolveSeconds: 7200, itemsHeld: 1 } })
    t.same(x.timeline.map((e: any) => e.kind), ['opened', 'paused', 'acknowledged', 'note', 'resumed', 'resolved'])
    const md = await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/export?format=markdown`, headers: bearer(a.token) })
    t.equal(md.statusCode, 200)
    t.match(md.headers['content-type'], /^text\/markdown/)
    t.match(md.body, new RegExp(`^# Incident ${inc.id}`))
    t.match(md.body, /- Time to resolve: 7200 s/)
    t.match(md.body, /\| 1 \| Confirm the facts \| 15 \|/)
    t.match(md.body, /\*\*note\*\* by .*: Press call at \\\*noon\\\* \\\| ok/, 'text is escaped')
    t.equal((await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/export?format=pdf`, headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/export`, headers: bearer(b.token) })).statusCode, 404)
  })

  t.test('refusals and GraphQL', async (t) => {
    for (const q of ['?format=xml', '?from=yesterday', '?brandId=nope', '?groupBy=week', '?extra=1']) {
      t.equal((await h.inject({ method: 'GET', url: `/v1/reports/incidents${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
    const key = await createApiKey(h, a, ['crisis:read'])
    t.match(json(await h.inject({ method: 'GET', url: '/v1/reports/incidents', headers: bearer(key.secret) })), { missingScope: 'incidents:read' })
    t.equal((await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/export`, headers: bearer(key.secret) })).statusCode, 403)
    const client = await addMember(h, a, 'client', [brand.id])
    t.same(json(await h.inject({ method: 'GET', url: '/v1/reports/incidents', headers: bearer(client.token) })).incidents, [], 'clients: only incidents that inform them')
    const limited = await createApiKey(h, a, ['incidents:read'], [other.id])
    t.same(json(await h.inject({ method: 'GET', url: '/v1/reports/incidents', headers: bearer(limited.secret) })).incidents.map((i: any) => i.incidentId), [open.id])
    const gql = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(a.token), payload: { query: `{ incidentReport(brandId: "${brand.id}") { incidents { incidentId timeToResolveSeconds itemsHeld } byBrandMonth { month incidents } } }` } }))
    t.notOk(gql.errors, JSON.stringify(gql.errors))
    t.same(gql.data.incidentReport, { incidents: [{ incidentId: inc.id, timeToResolveSeconds: 7200, itemsHeld: 1 }], byBrandMonth: [{ month: '2031-02', incidents: 1 }] })
  })
})
