import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { MANAGERS_THEN_CLIENT, createPolicy } from '../factories-approvals.js'

const URL = '/v1/approval-policies'
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

t.test('approval policies', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const brand = await createBrand(h, a, 'Lumen')
  const get = async (id: string, token = a.token) => await h.inject({ method: 'GET', url: `${URL}/${id}`, headers: bearer(token) })

  t.test('create, read, list, update, delete, with ETags and events', async (t) => {
    const res = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: { brandId: brand.id, name: '  Two steps ', steps: MANAGERS_THEN_CLIENT } })
    t.equal(res.statusCode, 201)
    const policy = json(res)
    t.match(policy, {
      brandId: brand.id,
      name: 'Two steps',
      steps: [
        { name: 'Internal review', roles: ['manager'], memberIds: [], mode: 'any' },
        { name: 'Client approval', roles: ['client'], memberIds: [], mode: 'any' }
      ],
      version: 1
    })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `${URL}/${policy.id}`)

    const got = await get(policy.id)
    t.equal(got.statusCode, 200)
    t.same(json(got), policy)
    const notModified = await h.inject({ method: 'GET', url: `${URL}/${policy.id}`, headers: { ...bearer(a.token), 'if-none-match': '"1"' } })
    t.equal(notModified.statusCode, 304)

    const list = json(await h.inject({ method: 'GET', url: `${URL}?brandId=${brand.id}&sort=name`, headers: bearer(a.token) }))
    t.same(list.data.map((p: any) => p.name), ['Internal review', 'Two steps'], 'the brand default and the new one, by name')

    const steps = [{ name: 'Legal', memberIds: [a.membershipId], mode: 'all' }]
    const patched = await h.inject({ method: 'PATCH', url: `${URL}/${policy.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { steps } })
    t.equal(patched.statusCode, 200)
    t.match(json(patched), { name: 'Two steps', steps: [{ name: 'Legal', roles: [], memberIds: [a.membershipId], mode: 'all' }], version: 2 })
    t.equal(patched.headers.etag, '"2"')

    const same = await h.inject({ method: 'PATCH', url: `${URL}/${policy.id}`, headers: bearer(a.token), payload: { name: 'Two steps', steps } })
    t.equal(json(same).version, 2, 'a patch that changes nothing is not a new version')

    const stale = await h.inject({ method: 'PATCH', url: `${URL}/${policy.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'Stale' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2 })
    t.equal(json(await get(policy.id)).name, 'Two steps', 'a stale write changes nothing')

    const staleDelete = await h.inject({ method: 'DELETE', url: `${URL}/${policy.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' } })
    t.equal(staleDelete.statusCode, 412)
    const del = await h.inject({ method: 'DELETE', url: `${URL}/${policy.id}`, headers: { ...bearer(a.token), 'if-match': '"2"' } })
    t.equal(del.statusCode, 204)
    t.equal((await get(policy.id)).statusCode, 404)

    const events = await h.sql('SELECT type, brand_id, data FROM events WHERE subject_id = $1 ORDER BY seq', [policy.id])
    t.same(events.map((e) => e.type), ['approval_policy.created', 'approval_policy.updated', 'approval_policy.deleted'], 'one event per change, none for the no-op')
    t.ok(events.every((e) => e.brand_id === brand.id), 'every event names the brand')
    t.same(events[1].data.changed, ['steps'])
    t.equal(events[2].data.policy.id, policy.id)
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const step = { name: 'S', roles: ['manager'], mode: 'any' }
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', steps: [step] }, 'brandId'],
      [{ brandId: brand.id, steps: [step] }, 'name'],
      [{ brandId: brand.id, name: 'x' }, 'steps'],
      [{ brandId: 'nope', name: 'x', steps: [step] }, 'brandId'],
      [{ brandId: brand.id, name: 42, steps: [step] }, 'name'],
      [{ brandId: brand.id, name: '   ', steps: [step] }, 'name'],
      [{ brandId: brand.id, name: 'x'.repeat(201), steps: [step] }, 'name'],
      [{ brandId: brand.id, name: 'x', steps: [] }, 'steps'],
      [{ brandId: brand.id, name: 'x', steps: Array.from({ length: 11 }, () => step) }, 'steps'],
      [{ brandId: brand.id, name: 'x', steps: step }, 'steps'],
      [{ brandId: brand.id, name: 'x', steps: [{ name: 'S', mode: 'any' }] }, 'steps/0'],
      [{ brandId: brand.id, name: 'x', steps: [step, { name: 'S', roles: [], memberIds: [], mode: 'any' }] }, 'steps/1'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, roles: ['boss'] }] }, 'steps/0/roles/0'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, roles: ['manager', 'manager'] }] }, 'steps/0/roles'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, mode: 'some' }] }, 'steps/0/mode'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, mode: undefined }] }, 'steps/0/mode'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, name: 'n'.repeat(101) }] }, 'steps/0/name'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, memberIds: ['not-a-uuid'] }] }, 'steps/0/memberIds/0'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, memberIds: [a.membershipId, a.membershipId] }] }, 'steps/0/memberIds'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, memberIds: Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`) }] }, 'steps/0/memberIds'],
      [{ brandId: brand.id, name: 'x', steps: [{ ...step, approvers: 2 }] }, 'steps/0/approvers'],
      [{ brandId: brand.id, name: 'x', steps: [step], organizationId: b.orgId }, 'organizationId'],
      [{ brandId: brand.id, name: 'x', steps: [step], version: 3 }, 'version']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: payload as object })
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 120))
      t.ok(json(res).errors?.some((e: any) => e.path === path), `names ${path}: ${JSON.stringify(json(res).errors)}`)
    }
    const policy = await createPolicy(h, a, brand.id)
    for (const [payload, path] of [[{ brandId: brand.id }, 'brandId'], [{ steps: [] }, 'steps'], [{ name: '' }, 'name']] as const) {
      const res = await h.inject({ method: 'PATCH', url: `${URL}/${policy.id}`, headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.ok(json(res).errors.some((e: any) => e.path === path), `PATCH names ${path}`)
    }
    t.equal(json(await get(policy.id)).version, 1, 'refused patches change nothing')

    const huge = await h.inject({ method: 'POST', url: URL, headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ brandId: brand.id, name: 'x'.repeat(1024 * 1024), steps: [step] }) })
    t.equal(huge.statusCode, 413)
    t.equal(json(huge).code, 'HERALD_PAYLOAD_TOO_LARGE')
    const textBody = await h.inject({ method: 'POST', url: URL, headers: { ...bearer(a.token), 'content-type': 'text/plain' }, payload: 'x' })
    t.equal(textBody.statusCode, 415)

    const badId = await get('not-a-uuid')
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.inject({ method, url: `${URL}/${UNKNOWN}`, headers: bearer(a.token), ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}) })
      t.equal(res.statusCode, 404, `${method} unknown id`)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    for (const q of ['stauts=x', 'brandId=nope', 'limit=201', 'limit=0', 'sort=steps']) {
      t.equal((await h.inject({ method: 'GET', url: `${URL}?${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
  })

  t.test('named approvers: members of this organization (404), joined and able to see the brand (422)', async (t) => {
    const other = await createBrand(h, a, 'Other')
    const mgr = await addMember(h, a, 'manager')
    const limited = await addMember(h, a, 'client', [other.id])
    const theirs = await addMember(h, b, 'manager')
    const invite = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(a.token), payload: { email: 'pending@example.com', role: 'manager' } })
    const pending = json(invite).id
    const before = (await h.sql('SELECT count(*)::int AS n FROM approval_policies'))[0].n

    const foreign = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', steps: [{ name: 'One', roles: ['manager'], mode: 'any' }, { name: 'Two', memberIds: [theirs.membershipId, mgr.membershipId], mode: 'all' }] } })
    t.equal(foreign.statusCode, 404)
    t.match(json(foreign), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'steps/1/memberIds/0', message: 'member not found' }] })
    t.equal(json(foreign).errors.length, 1, 'only the foreign member is named')
    const unknown = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', steps: [{ name: 'One', memberIds: [UNKNOWN], mode: 'any' }] } })
    t.match(json(unknown), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'steps/0/memberIds/0' }] })

    const unfit = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: { brandId: brand.id, name: 'x', steps: [{ name: 'One', memberIds: [mgr.membershipId, limited.membershipId, pending], mode: 'all' }] } })
    t.equal(unfit.statusCode, 422)
    t.equal(json(unfit).code, 'HERALD_UNPROCESSABLE')
    t.same(json(unfit).errors.map((e: any) => e.path), ['steps/0/memberIds/1', 'steps/0/memberIds/2'])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policies'))[0].n, before, 'nothing was created')

    const ok = await createPolicy(h, a, other.id, [{ name: 'Client', roles: ['client'], memberIds: [limited.membershipId, mgr.membershipId], mode: 'all' }])
    t.same(ok.steps[0].memberIds, [limited.membershipId, mgr.membershipId], 'a member granted the brand qualifies')
    const patchForeign = await h.inject({ method: 'PATCH', url: `${URL}/${ok.id}`, headers: bearer(a.token), payload: { steps: [{ name: 'S', memberIds: [theirs.membershipId], mode: 'any' }] } })
    t.equal(patchForeign.statusCode, 404)
    t.equal(json(patchForeign).errors[0].path, 'steps/0/memberIds/0')
    const patchUnfit = await h.inject({ method: 'PATCH', url: `${URL}/${ok.id}`, headers: bearer(a.token), payload: { steps: [{ name: 'S', memberIds: [pending], mode: 'any' }] } })
    t.equal(patchUnfit.statusCode, 422)
    t.equal(json(await get(ok.id)).version, 1)
  })

  t.test('another tenant\'s ids, in the path and in the body, are 404 and change nothing', async (t) => {
    const theirBrand = await createBrand(h, b, 'Theirs')
    const theirs = await createPolicy(h, b, theirBrand.id)
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'Mine now' }], ['DELETE']] as const) {
      const res = await h.inject({ method, url: `${URL}/${theirs.id}`, headers: bearer(a.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, method)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    const list = json(await h.inject({ method: 'GET', url: `${URL}?limit=200`, headers: bearer(a.token) }))
    t.notOk(list.data.some((p: any) => p.brandId === theirBrand.id), 'the list never shows them')
    const byBrand = json(await h.inject({ method: 'GET', url: `${URL}?brandId=${theirBrand.id}`, headers: bearer(a.token) }))
    t.same(byBrand.data, [], 'nor when filtered by their brand')
    const create = await h.inject({ method: 'POST', url: URL, headers: bearer(a.token), payload: { brandId: theirBrand.id, name: 'Sneaky', steps: MANAGERS_THEN_CLIENT } })
    t.equal(create.statusCode, 404)
    t.match(json(create), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'brandId' }] })
    t.equal((await h.sql("SELECT count(*)::int AS n FROM approval_policies WHERE name = 'Sneaky'"))[0].n, 0)
    t.match(json(await get(theirs.id, b.token)), { name: theirs.name, version: 1 })
  })

  t.test('roles, brand grants and API-key scopes', async (t) => {
    const granted = await createBrand(h, a, 'Granted')
    const hidden = await createBrand(h, a, 'Hidden')
    const policy = await createPolicy(h, a, granted.id)
    const hiddenPolicy = await createPolicy(h, a, hidden.id)
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [granted.id])
    const manager = await addMember(h, a, 'manager')
    const limitedManager = await addMember(h, a, 'manager', [granted.id])

    for (const s of [creator, analyst, client]) {
      const post = await h.inject({ method: 'POST', url: URL, headers: bearer(s.token), payload: { brandId: granted.id, name: 'No', steps: MANAGERS_THEN_CLIENT } })
      t.equal(post.statusCode, 403)
      t.equal(json(post).code, 'HERALD_FORBIDDEN')
      t.equal((await h.inject({ method: 'PATCH', url: `${URL}/${policy.id}`, headers: bearer(s.token), payload: { name: 'No' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: `${URL}/${policy.id}`, headers: bearer(s.token) })).statusCode, 403)
      t.equal((await get(policy.id, s.token)).statusCode, 200, 'every role may read (approvals:read)')
    }
    t.equal(json(await get(policy.id)).version, 1, 'the refused writes changed nothing')

    const clientList = json(await h.inject({ method: 'GET', url: `${URL}?limit=200`, headers: bearer(client.token) }))
    t.same([...new Set(clientList.data.map((p: any) => p.brandId))], [granted.id], 'a client sees only its brands\' policies')
    t.equal((await get(hiddenPolicy.id, client.token)).statusCode, 404)

    const mine = await createPolicy(h, manager, granted.id)
    t.match(mine, { brandId: granted.id, version: 1 })
    const limitedCreate = await h.inject({ method: 'POST', url: URL, headers: bearer(limitedManager.token), payload: { brandId: hidden.id, name: 'No', steps: MANAGERS_THEN_CLIENT } })
    t.equal(limitedCreate.statusCode, 404, 'a brand-limited manager cannot use other brands')
    t.equal(json(limitedCreate).errors[0].path, 'brandId')
    t.equal((await h.inject({ method: 'PATCH', url: `${URL}/${hiddenPolicy.id}`, headers: bearer(limitedManager.token), payload: { name: 'No' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${URL}/${hiddenPolicy.id}`, headers: bearer(limitedManager.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'PATCH', url: `${URL}/${mine.id}`, headers: bearer(limitedManager.token), payload: { name: 'Renamed' } })).statusCode, 200)

    const reader = await createApiKey(h, a, ['approvals:read'])
    t.equal((await h.inject({ method: 'GET', url: URL, headers: bearer(reader.secret) })).statusCode, 200)
    const denied = await h.inject({ method: 'POST', url: URL, headers: bearer(reader.secret), payload: { brandId: granted.id, name: 'No', steps: MANAGERS_THEN_CLIENT } })
    t.equal(denied.statusCode, 403)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'approvals:write' })
    const deniedDelete = await h.inject({ method: 'DELETE', url: `${URL}/${policy.id}`, headers: bearer(reader.secret) })
    t.match(json(deniedDelete), { code: 'HERALD_FORBIDDEN', missingScope: 'approvals:write' })
    const noScope = await createApiKey(h, a, ['brands:read'])
    const noRead = await h.inject({ method: 'GET', url: URL, headers: bearer(noScope.secret) })
    t.equal(noRead.statusCode, 403)
    t.match(json(noRead), { missingScope: 'approvals:read' })
    t.match(json(await get(policy.id, noScope.secret)), { missingScope: 'approvals:read' })

    const writer = await createApiKey(h, a, ['approvals:read', 'approvals:write'], [granted.id])
    const keyCreated = await h.inject({ method: 'POST', url: URL, headers: bearer(writer.secret), payload: { brandId: granted.id, name: 'By key', steps: MANAGERS_THEN_CLIENT } })
    t.equal(keyCreated.statusCode, 201, 'a key with approvals:write creates policies for its brands')
    t.equal((await h.inject({ method: 'POST', url: URL, headers: bearer(writer.secret), payload: { brandId: hidden.id, name: 'No', steps: MANAGERS_THEN_CLIENT } })).statusCode, 404)
    t.equal((await get(hiddenPolicy.id, writer.secret)).statusCode, 404)
    const keyList = json(await h.inject({ method: 'GET', url: `${URL}?limit=200`, headers: bearer(writer.secret) }))
    t.ok(keyList.data.length > 0 && keyList.data.every((p: any) => p.brandId === granted.id), 'a brand-limited key lists only its brands')
  })

  t.test('pagination by name and by date', async (t) => {
    const s = await signup(h, 'pager')
    const pb = await createBrand(h, s, 'Paged')
    for (let i = 0; i < 6; i++) await createPolicy(h, s, pb.id, MANAGERS_THEN_CLIENT, `P${i}`)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: any = json(await h.inject({ method: 'GET', url: `${URL}?limit=3&sort=-name${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(s.token) }))
      seen.push(...page.data.map((p: any) => p.name))
      cursor = page.nextCursor
    } while (cursor)
    t.same(seen, ['P5', 'P4', 'P3', 'P2', 'P1', 'P0', 'Internal review'])
    const newest = json(await h.inject({ method: 'GET', url: `${URL}?limit=1`, headers: bearer(s.token) }))
    t.equal(newest.data[0].name, 'P5', 'newest first by default')
    const wrongSort = await h.inject({ method: 'GET', url: `${URL}?sort=name&cursor=${encodeURIComponent(newest.nextCursor)}`, headers: bearer(s.token) })
    t.equal(json(wrongSort).code, 'HERALD_BAD_CURSOR')
  })

  t.test('Idempotency-Key replays the first creation', async (t) => {
    const headers = { ...bearer(a.token), 'idempotency-key': 'policy-once-1' }
    const payload = { brandId: brand.id, name: 'Once', steps: MANAGERS_THEN_CLIENT }
    const first = await h.inject({ method: 'POST', url: URL, headers, payload })
    const again = await h.inject({ method: 'POST', url: URL, headers, payload })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal((await h.sql("SELECT count(*)::int AS n FROM approval_policies WHERE name = 'Once'"))[0].n, 1)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'approval_policy.created' AND subject_id = $1", [json(first).id]))[0].n, 1)
    const other = await h.inject({ method: 'POST', url: URL, headers, payload: { ...payload, name: 'Twice' } })
    t.equal(other.statusCode, 422)
    t.equal(json(other).code, 'HERALD_IDEMPOTENCY_MISMATCH')
  })
})
