import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createApiKey, createBrand, signup } from '../factories.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'

t.test('campaigns', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'camp-a')
  const brand = await createBrand(h, a, 'Lumen')
  const url = '/v1/campaigns'

  t.test('plan a campaign with everything, read it back, change it, events', async (t) => {
    const x = await createSocialAccount(h, a, brand.id, { platform: 'x' })
    const li = await createSocialAccount(h, a, brand.id, { platform: 'linkedin' })
    const payload = {
      brandId: brand.id,
      name: '  Spring Blend launch ',
      brief: 'Introduce the spring blend.',
      objective: 'awareness',
      startsOn: '2025-04-01',
      endsOn: '2025-04-30',
      budget: { amountMinor: 500000, currency: 'eur' },
      kpiTargets: [{ metric: 'impressions', target: 250000 }, { metric: 'engagement_rate', target: 0.04, window: 'P7D' }, { metric: 'engagement_rate', target: 0.05, window: 'P30D' }],
      channelIds: [li.id, x.id],
      tags: [' spring ', 'launch', 'spring']
    }
    const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload })
    t.equal(res.statusCode, 201, res.body)
    const c = json(res)
    t.match(c, {
      brandId: brand.id,
      name: 'Spring Blend launch',
      brief: 'Introduce the spring blend.',
      objective: 'awareness',
      status: 'draft',
      startsOn: '2025-04-01',
      endsOn: '2025-04-30',
      budget: { amountMinor: 500000, currency: 'EUR' },
      tags: ['spring', 'launch'],
      ownerId: a.membershipId,
      version: 1
    })
    t.same(c.kpiTargets, [{ metric: 'impressions', target: 250000, window: null }, { metric: 'engagement_rate', target: 0.04, window: 'P7D' }, { metric: 'engagement_rate', target: 0.05, window: 'P30D' }])
    t.same([...c.channelIds].sort(), [li.id, x.id].sort())
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `${url}/${c.id}`)

    const got = await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })
    t.same(json(got), c)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-none-match': '"1"' } })).statusCode, 304)

    const patched = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'Spring Blend', budget: null, channelIds: [x.id], brief: null } })
    t.equal(patched.statusCode, 200)
    t.match(json(patched), { name: 'Spring Blend', budget: null, brief: null, channelIds: [x.id], version: 2 })
    t.equal(patched.headers.etag, '"2"')
    const noop = json(await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { name: 'Spring Blend', channelIds: [x.id], tags: ['spring', 'launch'] } }))
    t.equal(noop.version, 2, 'a patch that changes nothing writes nothing')

    const planned = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'planned', endsOn: '2025-05-15' } })
    t.equal(planned.statusCode, 200)
    t.match(json(planned), { status: 'planned', endsOn: '2025-05-15', version: 3 })
    const activated = json(await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'active' } }))
    t.match(activated, { status: 'active', version: 4 })

    const events = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${c.id}`, headers: bearer(a.token) })).data
    t.same(events.map((e: any) => e.type), ['campaign.status_changed', 'campaign.status_changed', 'campaign.updated', 'campaign.updated', 'campaign.created'])
    t.match(events[0].data, { from: 'planned', to: 'active', campaign: { status: 'active' } })
    t.match(events[1].data, { from: 'draft', to: 'planned' })
    t.same(events[2].data.changed, ['endsOn'], 'the status is not listed among the changed fields')
    t.same(events[3].data.changed.sort(), ['brief', 'budget', 'channelIds', 'name'])
    const brands = await h.sql('SELECT DISTINCT brand_id FROM events WHERE subject_id = $1', [c.id])
    t.same(brands.map((r) => r.brand_id), [brand.id], 'every event names the brand')
  })

  t.test('the status machine: illegal moves are 409 with the allowed next states, and change nothing', async (t) => {
    const c = await createCampaign(h, a, brand.id)
    const illegal = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'active', name: 'Should not stick' } })
    t.equal(illegal.statusCode, 409)
    t.match(json(illegal), { code: 'HERALD_ILLEGAL_TRANSITION', from: 'draft', to: 'active', allowed: ['planned', 'archived'], errors: [{ path: 'status' }] })
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })), { status: 'draft', name: c.name, version: 1 })

    const walk = ['planned', 'active', 'paused', 'active', 'completed', 'archived', 'draft']
    for (const status of walk) {
      const res = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status } })
      t.equal(res.statusCode, 200, `→ ${status}`)
      t.equal(json(res).status, status)
    }
    await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'planned' } })
    await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'active' } })
    const activeToArchived = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'archived' } })
    t.equal(activeToArchived.statusCode, 409, 'a running campaign is completed or paused before it is archived')
    t.same(json(activeToArchived).allowed, ['paused', 'completed'])
    const same = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'active' } })
    t.equal(same.statusCode, 200, 'the current status is no change, not an error')
    const changes = await h.sql("SELECT data->>'from' AS f, data->>'to' AS t FROM events WHERE subject_id = $1 AND type = 'campaign.status_changed' ORDER BY seq", [c.id])
    t.same(changes.map((r) => `${r.f}>${r.t}`), ['draft>planned', 'planned>active', 'active>paused', 'paused>active', 'active>completed', 'completed>archived', 'archived>draft', 'draft>planned', 'planned>active'])
  })

  t.test('only drafts are deleted; others are to be archived', async (t) => {
    const c = await createCampaign(h, a, brand.id)
    await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'planned' } })
    const refused = await h.inject({ method: 'DELETE', url: `${url}/${c.id}`, headers: bearer(a.token) })
    t.equal(refused.statusCode, 409)
    t.equal(json(refused).code, 'HERALD_CONFLICT')
    t.match(json(refused).detail, /archive/i)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })).statusCode, 200)

    const draft = await createCampaign(h, a, brand.id)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${draft.id}`, headers: { ...bearer(a.token), 'if-match': '"7"' } })).statusCode, 412)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${draft.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' } })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${draft.id}`, headers: bearer(a.token) })).statusCode, 404)
    const events = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${draft.id}`, headers: bearer(a.token) })).data
    t.same(events.map((e: any) => e.type), ['campaign.deleted', 'campaign.created'])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM campaign_channels WHERE campaign_id = $1', [draft.id]))[0].n, 0)
  })

  t.test('If-Match: a stale version is 412 and changes nothing', async (t) => {
    const c = await createCampaign(h, a, brand.id)
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'First' } })).statusCode, 200)
    const stale = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { status: 'planned' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2 })
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })), { name: 'First', status: 'draft', version: 2 })
    const [r1, r2] = await Promise.all(['One', 'Two'].map((name) => h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-match': '"2"' }, payload: { name } })))
    t.same([r1.statusCode, r2.statusCode].sort(), [200, 412], 'of two concurrent writers one wins')
  })

  t.test('owner: defaults to the creating member, none for an API key, must be an active member with the brand', async (t) => {
    const key = await createApiKey(h, a, ['campaigns:read', 'campaigns:write', 'brands:read'])
    const byKey = await h.inject({ method: 'POST', url, headers: bearer(key.secret), payload: { brandId: brand.id, name: 'By key', objective: 'traffic' } })
    t.equal(byKey.statusCode, 201)
    t.equal(json(byKey).ownerId, null)
    const noOwner = await createCampaign(h, a, brand.id, { ownerId: null })
    t.equal(noOwner.ownerId, null, 'null means no owner')

    const invited = json(await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(a.token), payload: { email: `inv-${Date.now()}@example.com`, role: 'manager' } }))
    const notJoined = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', objective: 'leads', ownerId: invited.id } })
    t.equal(notJoined.statusCode, 422)
    t.match(json(notJoined), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'ownerId' }] })
    const other = await createBrand(h, a, 'Other brand')
    const { addMember } = await import('../factories.js')
    const limited = await addMember(h, a, 'manager', [other.id])
    const noAccess = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', objective: 'leads', ownerId: limited.membershipId } })
    t.equal(noAccess.statusCode, 422)
    t.match(json(noAccess).errors, [{ path: 'ownerId', message: /no access to this brand/ }])
    const unknown = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', objective: 'leads', ownerId: '00000000-0000-4000-8000-000000000000' } })
    t.equal(unknown.statusCode, 404)
    t.match(json(unknown).errors, [{ path: 'ownerId' }])
    const reassigned = await h.inject({ method: 'PATCH', url: `${url}/${noOwner.id}`, headers: bearer(a.token), payload: { ownerId: a.membershipId } })
    t.equal(json(reassigned).ownerId, a.membershipId)
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const ok = { brandId: brand.id, name: 'Valid', objective: 'sales' }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', objective: 'sales' }, 'brandId'],
      [{ brandId: brand.id, objective: 'sales' }, 'name'],
      [{ brandId: brand.id, name: 'x' }, 'objective'],
      [{ ...ok, brandId: 'nope' }, 'brandId'],
      [{ ...ok, name: '   ' }, 'name'],
      [{ ...ok, name: 'x'.repeat(201) }, 'name'],
      [{ ...ok, name: 7 }, 'name'],
      [{ ...ok, brief: 'x'.repeat(20_001) }, 'brief'],
      [{ ...ok, objective: 'fame' }, 'objective'],
      [{ ...ok, status: 'active' }, 'status'],
      [{ ...ok, startsOn: '2025-02-30' }, 'startsOn'],
      [{ ...ok, startsOn: '01/04/2025' }, 'startsOn'],
      [{ ...ok, endsOn: '2025-04-01T00:00:00Z' }, 'endsOn'],
      [{ ...ok, startsOn: '2025-04-10', endsOn: '2025-04-09' }, 'endsOn'],
      [{ ...ok, budget: { amountMinor: -1, currency: 'EUR' } }, 'budget/amountMinor'],
      [{ ...ok, budget: { amountMinor: 10.5, currency: 'EUR' } }, 'budget/amountMinor'],
      [{ ...ok, budget: { amountMinor: '100', currency: 'EUR' } }, 'budget/amountMinor'],
      [{ ...ok, budget: { amountMinor: 100, currency: 'EURO' } }, 'budget/currency'],
      [{ ...ok, budget: { amountMinor: 100, currency: 'ZZZ' } }, 'budget/currency'],
      [{ ...ok, budget: { amountMinor: 100 } }, 'budget/currency'],
      [{ ...ok, budget: { amountMinor: 100, currency: 'EUR', cents: true } }, 'budget/cents'],
      [{ ...ok, kpiTargets: [{ metric: 'vibes', target: 1 }] }, 'kpiTargets/0/metric'],
      [{ ...ok, kpiTargets: [{ metric: 'reach', target: -1 }] }, 'kpiTargets/0/target'],
      [{ ...ok, kpiTargets: [{ metric: 'reach' }] }, 'kpiTargets/0/target'],
      [{ ...ok, kpiTargets: [{ metric: 'reach', target: 1, window: '7 days' }] }, 'kpiTargets/0/window'],
      [{ ...ok, kpiTargets: [{ metric: 'reach', target: 1, window: 'P' }] }, 'kpiTargets/0/window'],
      [{ ...ok, kpiTargets: [{ metric: 'reach', target: 1, window: 'P7D' }, { metric: 'reach', target: 2, window: 'P7D' }] }, 'kpiTargets/1'],
      [{ ...ok, kpiTargets: [{ metric: 'reach', target: 1 }, { metric: 'clicks', target: 2 }, { metric: 'reach', target: 2 }] }, 'kpiTargets/2'],
      [{ ...ok, kpiTargets: Array.from({ length: 21 }, (_, i) => ({ metric: 'reach', target: 1, window: `P${i + 1}D` })) }, 'kpiTargets'],
      [{ ...ok, channelIds: ['nope'] }, 'channelIds/0'],
      [{ ...ok, channelIds: Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) }, 'channelIds'],
      [{ ...ok, channelIds: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001'] }, 'channelIds'],
      [{ ...ok, tags: ['x'.repeat(51)] }, 'tags/0'],
      [{ ...ok, tags: [''] }, 'tags/0'],
      [{ ...ok, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
      [{ ...ok, tags: 'spring' }, 'tags'],
      [{ ...ok, ownerId: 'me' }, 'ownerId'],
      [{ ...ok, organizationId: a.orgId }, 'organizationId'],
      [{ ...ok, version: 2 }, 'version']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400, `${path}: ${res.body.slice(0, 300)}`)
      t.equal(json(res).code, 'HERALD_VALIDATION')
      t.ok(json(res).errors?.some((e: any) => e.path === path), `names ${path}: ${res.body.slice(0, 300)}`)
    }
    t.equal((await h.sql("SELECT count(*)::int AS n FROM campaigns WHERE name = 'Valid'"))[0].n, 0, 'nothing was created')

    const c = await createCampaign(h, a, brand.id, { startsOn: '2025-06-01' })
    const before = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { endsOn: '2025-05-31' } })
    t.equal(before.statusCode, 400, 'the end is checked against the stored start')
    t.match(json(before).errors, [{ path: 'endsOn', message: /2025-06-01/ }])
    const sameDay = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { endsOn: '2025-06-01' } })
    t.equal(sameDay.statusCode, 200, 'a one-day campaign is fine')
    const moveStart = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { startsOn: '2025-06-02' } })
    t.equal(moveStart.statusCode, 400)
    t.equal(json(moveStart).errors[0].path, 'endsOn')
    const brandMove = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { brandId: brand.id } })
    t.equal(brandMove.statusCode, 400)
    t.match(json(brandMove).errors, [{ path: 'brandId', message: /cannot be changed after creation/ }])
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { status: 'launched' } })).statusCode, 400)
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { name: null } })).statusCode, 400)
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { colour: 'red' } })).statusCode, 400)

    const badId = await h.inject({ method: 'GET', url: `${url}/123`, headers: bearer(a.token) })
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.inject({ method, url: `${url}/00000000-0000-4000-8000-000000000000`, headers: bearer(a.token), ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}) })
      t.equal(res.statusCode, 404, method)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    const huge = await h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ ...ok, brief: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
    for (const q of ['status=running', 'objective=fame', 'ownerId=me', 'startsOnFrom=tomorrow', 'sort=budget', 'limit=0', 'colour=red', `tag=${'x'.repeat(51)}`, 'name=', `name=${'x'.repeat(201)}`]) {
      t.equal((await h.inject({ method: 'GET', url: `${url}?${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
  })

  t.test('filters, sorts and pages', async (t) => {
    const s = await signup(h, 'camp-list')
    const b1 = await createBrand(h, s, 'One')
    const b2 = await createBrand(h, s, 'Two')
    const owner2 = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(s.token) })).membershipId
    const mk = (brandId: string, name: string, fields: Record<string, unknown> = {}) => createCampaign(h, s, brandId, { name, ...fields })
    const c1 = await mk(b1.id, 'Charlie', { startsOn: '2025-03-01', tags: ['q1'], objective: 'traffic' })
    const c2 = await mk(b1.id, 'Alpha', { startsOn: '2025-05-01', tags: ['q2', 'video'] })
    const c3 = await mk(b2.id, 'Bravo', { tags: ['video'], ownerId: null })
    const c4 = await mk(b2.id, 'Delta', { startsOn: '2025-04-01' })
    await h.inject({ method: 'PATCH', url: `${url}/${c4.id}`, headers: bearer(s.token), payload: { status: 'planned' } })
    const ids = async (q: string) => json(await h.inject({ method: 'GET', url: `${url}?${q}`, headers: bearer(s.token) })).data.map((c: any) => c.id)

    t.same(await ids(''), [c4.id, c3.id, c2.id, c1.id], 'newest first by default')
    t.same(await ids(`brandId=${b1.id}`), [c2.id, c1.id])
    t.same(await ids('status=planned'), [c4.id])
    t.same(await ids('objective=traffic'), [c1.id])
    t.same(await ids(`ownerId=${owner2}`), [c4.id, c2.id, c1.id])
    t.same(await ids('tag=video'), [c3.id, c2.id])
    t.same(await ids('startsOnFrom=2025-03-15&startsOnTo=2025-04-30'), [c4.id])
    t.same(await ids('name=alpha'), [c2.id], 'by name: exact, ignoring case')
    t.same(await ids('name=%20BRAVO%20'), [c3.id], 'and surrounding spaces')
    t.same(await ids('name=Alph'), [], 'not a prefix search')
    const gql = json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query: '{ campaigns(name: "charlie") { edges { node { id } } } }' } }))
    t.same(gql.data.campaigns.edges.map((e: any) => e.node.id), [c1.id], 'GraphQL answers the same')
    t.same(await ids('sort=name'), [c2.id, c3.id, c1.id, c4.id], 'Alpha, Bravo, Charlie, Delta')
    t.same(await ids('sort=-name'), [c4.id, c1.id, c3.id, c2.id])
    t.same(await ids('sort=startsOn'), [c1.id, c4.id, c2.id, c3.id], 'earliest start first; undated last')
    t.same(await ids('sort=-startsOn'), [c2.id, c4.id, c1.id, c3.id], 'latest start first; undated still last')

    // Page through every sort two at a time: no gaps, no repeats.
    for (const sort of ['startsOn', '-startsOn', 'name', '-name', 'createdAt']) {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: any = json(await h.inject({ method: 'GET', url: `${url}?sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(s.token) }))
        seen.push(...page.data.map((c: any) => c.id))
        cursor = page.nextCursor
      } while (cursor)
      t.same(seen, await ids(`sort=${sort}`), `paging by ${sort} matches one big page`)
    }
    const page = json(await h.inject({ method: 'GET', url: `${url}?sort=name&limit=1`, headers: bearer(s.token) }))
    t.equal((await h.inject({ method: 'GET', url: `${url}?sort=startsOn&cursor=${encodeURIComponent(page.nextCursor)}`, headers: bearer(s.token) })).statusCode, 400, 'a cursor is bound to its sort')
  })
})
