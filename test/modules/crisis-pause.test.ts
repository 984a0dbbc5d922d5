import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { approvedItem, asOwner, createItem, socialAccount } from '../factories-content.js'
import { activate, createPlaybook } from '../factories-crisis.js'

t.test('brand pauses', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'pause-a')
  const b = await signup(h, 'pause-b')
  const bBrand = await createBrand(h, b, 'Theirs')
  const pauseUrl = (brandId: string) => `/v1/brands/${brandId}/pause`
  const resumeUrl = (brandId: string) => `/v1/brands/${brandId}/resume`

  /** A brand with scheduled items at these hours from now (in order of creation), and a draft. */
  async function brandWithQueue (hours: number[]) {
    const brand = await createBrand(h, a)
    const x = await socialAccount(h, a.orgId, brand.id, 'x')
    const ids: string[] = []
    for (const hr of hours) {
      const item = await approvedItem(h, a, brand.id, x, { scheduledAt: new Date(Date.now() + hr * 3_600_000).toISOString() })
      const res = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/schedule`, headers: bearer(a.token) })
      if (res.statusCode !== 200) throw new Error(res.body)
      ids.push(item.id)
    }
    await createItem(h, a, { brandId: brand.id })
    return { brand, ids, x }
  }
  const statuses = async (ids: string[]) => (await h.sql('SELECT id, status FROM content_items WHERE id = ANY($1)', [ids])).reduce((m: any, r: any) => ({ ...m, [r.id]: r.status }), {})

  t.test('dry run lists exactly what the pause holds; pause; resume releases in order', async (t) => {
    const { brand, ids } = await brandWithQueue([5, 2, 30])
    const inOrder = [ids[1], ids[0], ids[2]]
    const dry = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Recall', dryRun: true } })
    t.equal(dry.statusCode, 200, dry.body)
    t.match(json(dry), { id: null, dryRun: true, heldItemIds: inOrder })
    t.same(Object.values(await statuses(ids)), ['scheduled', 'scheduled', 'scheduled'], 'a dry run changes nothing')
    t.same(json(await h.inject({ method: 'GET', url: pauseUrl(brand.id), headers: bearer(a.token) })), { pause: null })

    const res = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Recall' } })
    t.equal(res.statusCode, 201, res.body)
    const pause = json(res)
    t.match(pause, { dryRun: false, reason: 'Recall', onResume: 'release', heldItemIds: json(dry).heldItemIds, endedAt: null })
    t.same(Object.values(await statuses(ids)), ['held', 'held', 'held'])
    t.equal(json(await h.inject({ method: 'GET', url: pauseUrl(brand.id), headers: bearer(a.token) })).pause.id, pause.id)
    const twice = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Again' } })
    t.equal(twice.statusCode, 409)
    t.match(json(twice), { code: 'HERALD_BRAND_PAUSED', pauseId: pause.id })

    // A held item can be archived meanwhile; it is not released.
    await h.inject({ method: 'POST', url: `/v1/content-items/${ids[2]}/archive`, headers: bearer(a.token) })
    const resumed = await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(a.token) })
    t.equal(resumed.statusCode, 200, resumed.body)
    t.match(json(resumed), { id: pause.id, heldItemIds: inOrder, releasedItemIds: [ids[1], ids[0]] })
    t.ok(json(resumed).endedAt)
    t.same(await statuses(ids), { [ids[0]]: 'scheduled', [ids[1]]: 'scheduled', [ids[2]]: 'archived' })
    const ev = await h.sql("SELECT type, data FROM events WHERE brand_id = $1 AND type IN ('brand.paused', 'brand.resumed') ORDER BY seq", [brand.id])
    t.match(ev, [{ type: 'brand.paused', data: { pause: { heldItemIds: inOrder } } }, { type: 'brand.resumed', data: { releasedItemIds: [ids[1], ids[0]] } }])
    t.equal((await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(a.token) })).statusCode, 404, 'nothing to resume')
  })

  t.test('resumeAt bounds what is held; reschedule leaves items approved; auto-resume fires once', async (t) => {
    const { brand, ids } = await brandWithQueue([1, 48])
    const resumeAt = new Date(Date.now() + 24 * 3_600_000).toISOString()
    const pause = json(await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Day of silence', resumeAt, onResume: 'reschedule' } }))
    t.same(pause.heldItemIds, [ids[0]], 'only what falls due before the resume time')
    t.same(await statuses(ids), { [ids[0]]: 'held', [ids[1]]: 'scheduled' })
    const [job] = await h.sql('SELECT j.run_at, j.payload, t.identifier FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = $1', [`crisis-resume:${pause.id}`])
    t.match(job, { identifier: 'crisis-resume', payload: { orgId: a.orgId, pauseId: pause.id } }, 'the resume job committed with the pause')
    t.equal(new Date(job.run_at).toISOString(), new Date(resumeAt).toISOString())
    t.same(await h.app.crisisTimers.autoResume(), [], 'not yet')
    await h.sql("UPDATE brand_pauses SET resume_at = now() - interval '1 second' WHERE id = $1", [pause.id])
    const runs = await Promise.all([h.app.crisisTimers.autoResume(), h.app.crisisTimers.autoResume(), h.app.crisisTimers.autoResume()])
    t.same(runs.flat(), [pause.id], 'several workers resume it once')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = $1', [`crisis-resume:${pause.id}`]))[0].n, 0, 'its job is gone once resumed')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'brand.resumed' AND brand_id = $1", [brand.id]))[0].n, 1)
    t.same(await statuses(ids), { [ids[0]]: 'approved', [ids[1]]: 'scheduled' }, 'left for rescheduling')
    const past = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'x', resumeAt: '2001-01-01T00:00:00Z' } })
    t.equal(past.statusCode, 400)
    t.equal(json(past).errors[0].path, 'resumeAt')
  })

  t.test('nothing of a paused brand is handed to a publisher; a pause racing a hand-over', async (t) => {
    const { brand, ids } = await brandWithQueue([1, 2])
    // The publisher took the first item before the pause.
    await asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, ids[0], 'publishing', 'publisher'))
    const pause = json(await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Recall' } }))
    t.same(pause.heldItemIds, [ids[1]], 'an item already handed over is not held')
    const later = await approvedItem(h, a, brand.id, await socialAccount(h, a.orgId, brand.id, 'x'))
    await h.inject({ method: 'POST', url: `/v1/content-items/${later.id}/schedule`, headers: bearer(a.token), payload: { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() } })
    await t.rejects(asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, later.id, 'publishing', 'publisher')), { code: 'HERALD_BRAND_PAUSED' }, 'scheduled during the pause, still not handed over')
    await t.rejects(asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, ids[1], 'publishing', 'publisher')), { code: 'HERALD_ILLEGAL_TRANSITION' })
    await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(a.token) })

    // Race: a hand-over and a pause at once; the item is handed over or held, never both.
    const { brand: b2, ids: [item] } = await brandWithQueue([1])
    const [handOver, paused] = await Promise.allSettled([
      asOwner(h, a, async (ctx) => await h.app.contentItems.transition(ctx, item, 'publishing', 'publisher')),
      h.inject({ method: 'POST', url: pauseUrl(b2.id), headers: bearer(a.token), payload: { reason: 'Race' } })
    ])
    const held = paused.status === 'fulfilled' ? json(paused.value).heldItemIds : []
    const status = (await statuses([item]))[item]
    if (handOver.status === 'fulfilled') {
      t.equal(status, 'publishing')
      t.same(held, [], 'handed over before the pause: not held')
    } else {
      t.equal(status, 'held')
      t.same(held, [item], 'held: never handed over')
    }
  })

  t.test("the publisher's hand-over holds an item of a paused brand; the resume queues it again", async (t) => {
    const { brand } = await brandWithQueue([])
    t.equal((await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload: { reason: 'Recall' } })).statusCode, 201)
    const later = await approvedItem(h, a, brand.id, await socialAccount(h, a.orgId, brand.id, 'x'))
    await h.inject({ method: 'POST', url: `/v1/content-items/${later.id}/schedule`, headers: bearer(a.token), payload: { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() } })
    const [row] = await h.sql("UPDATE content_items SET scheduled_at = date_trunc('milliseconds', now()) - interval '1 second', schedule_basis = 'instant' WHERE id = $1 RETURNING scheduled_at", [later.id])
    const payload = { orgId: a.orgId, itemId: later.id, scheduledAt: new Date(row.scheduled_at).toISOString() }
    const result = await h.app.background.inTenant(a.orgId, 'publisher', async (ctx) => await h.app.publishing.handOver(ctx, payload))
    t.match(result, { outcome: 'held', reason: /brand paused: Recall/ })
    t.equal((await statuses([later.id]))[later.id], 'scheduled', 'kept scheduled by the publisher')
    t.same(json(await h.inject({ method: 'GET', url: pauseUrl(brand.id), headers: bearer(a.token) })).pause.heldItemIds, [later.id], 'and counted as held by the pause')
    const resumed = json(await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(a.token) }))
    t.same(resumed.releasedItemIds, [later.id])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = $1', [`publish:${later.id}`]))[0].n, 1, 'its hand-over is queued again')
  })

  t.test('an incident that pauses publishing holds on activation and releases on resolution', async (t) => {
    const { brand, ids } = await brandWithQueue([3, 1])
    const p = await createPlaybook(h, a, { pausePublishing: true, onResolve: 'release' })
    const inc = json(await activate(h, a, p.id, { brandId: brand.id, severity: 'sev1' }))
    t.ok(inc.pauseId)
    t.same(json(await h.inject({ method: 'GET', url: pauseUrl(brand.id), headers: bearer(a.token) })).pause.heldItemIds, [ids[1], ids[0]])
    const resolved = await h.inject({ method: 'POST', url: `/v1/incidents/${inc.id}/resolve`, headers: bearer(a.token), payload: { summary: 'Over' } })
    t.equal(resolved.statusCode, 200, resolved.body)
    t.same(Object.values(await statuses(ids)), ['scheduled', 'scheduled'])
    const tl = json(await h.inject({ method: 'GET', url: `/v1/incidents/${inc.id}/timeline`, headers: bearer(a.token) })).data
    t.match(tl.map((e: any) => e.kind), ['opened', 'paused', 'resumed', 'resolved'])
    t.same(tl[1].data.heldItemIds, [ids[1], ids[0]])
    const ev = await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'incident.resolved'", [inc.id])
    t.same(ev[0].data.releasedItemIds, [ids[1], ids[0]])
  })

  t.test('input, tenants, roles and scopes', async (t) => {
    const brand = await createBrand(h, a)
    for (const [payload, path] of [[{}, 'reason'], [{ reason: '' }, 'reason'], [{ reason: 'x'.repeat(1001) }, 'reason'], [{ reason: 'x', resumeAt: 'tomorrow' }, 'resumeAt'], [{ reason: 'x', dryRun: 'yes' }, 'dryRun'], [{ reason: 'x', onResume: 'later' }, 'onResume'], [{ reason: 'x', other: 1 }, 'other']] as const) {
      const res = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.ok(json(res).errors.some((e: any) => e.path === path), path)
    }
    t.equal((await h.inject({ method: 'POST', url: pauseUrl('nope'), headers: bearer(a.token), payload: { reason: 'x' } })).statusCode, 400)
    t.equal((await h.inject({ method: 'POST', url: pauseUrl(bBrand.id), headers: bearer(a.token), payload: { reason: 'x' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'POST', url: resumeUrl(bBrand.id), headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: pauseUrl(bBrand.id), headers: bearer(a.token) })).statusCode, 404)
    const huge = await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ reason: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
    for (const role of ['creator', 'analyst', 'client'] as const) {
      const s = await addMember(h, a, role, role === 'client' ? [brand.id] : undefined)
      t.equal((await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(s.token), payload: { reason: 'x', dryRun: true } })).statusCode, 403, role)
      t.equal((await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(s.token) })).statusCode, 403, role)
    }
    const reader = await createApiKey(h, a, ['incidents:read'])
    t.match(json(await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(reader.secret), payload: { reason: 'x' } })), { missingScope: 'incidents:write' })
    t.equal((await h.inject({ method: 'GET', url: pauseUrl(brand.id), headers: bearer(reader.secret) })).statusCode, 200)
    const manager = await addMember(h, a, 'manager')
    t.equal((await h.inject({ method: 'POST', url: pauseUrl(brand.id), headers: bearer(manager.token), payload: { reason: 'x' } })).statusCode, 201)
    t.equal((await h.inject({ method: 'POST', url: resumeUrl(brand.id), headers: bearer(manager.token), payload: { onResume: 'reschedule' } })).statusCode, 200)
  })
})
