import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createSocialAccount, uniqueHandle } from '../factories-campaigns.js'

t.test('social accounts', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'sa-a')
  const b = await signup(h, 'sa-b')
  const brandA = await createBrand(h, a, 'Lumen')
  const brandB = await createBrand(h, b, 'Theirs')
  const url = '/v1/social-accounts'

  t.test('create, read, list, update, delete, with events', async (t) => {
    const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brandA.id, platform: 'instagram', handle: '  @lumen.coffee ', displayName: 'Lumen Coffee' } })
    t.equal(res.statusCode, 201)
    const acc = json(res)
    t.match(acc, { brandId: brandA.id, platform: 'instagram', handle: 'lumen.coffee', displayName: 'Lumen Coffee', externalId: null, version: 1 })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `${url}/${acc.id}`)

    const got = await h.inject({ method: 'GET', url: `${url}/${acc.id}`, headers: bearer(a.token) })
    t.same(json(got), acc)
    const notModified = await h.inject({ method: 'GET', url: `${url}/${acc.id}`, headers: { ...bearer(a.token), 'if-none-match': '"1"' } })
    t.equal(notModified.statusCode, 304)

    const patched = await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { handle: '@lumen_coffee', externalId: '17841400000' } })
    t.equal(patched.statusCode, 200)
    t.match(json(patched), { handle: 'lumen_coffee', externalId: '17841400000', displayName: 'Lumen Coffee', version: 2 })
    t.equal(patched.headers.etag, '"2"')
    const cleared = json(await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: bearer(a.token), payload: { displayName: null } }))
    t.match(cleared, { displayName: null, version: 3 })
    const same = json(await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: bearer(a.token), payload: { handle: 'lumen_coffee' } }))
    t.equal(same.version, 3, 'a patch that changes nothing writes nothing')

    const stale = await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { displayName: 'Stale' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 3 })
    const staleDelete = await h.inject({ method: 'DELETE', url: `${url}/${acc.id}`, headers: { ...bearer(a.token), 'if-match': '"2"' } })
    t.equal(staleDelete.statusCode, 412)
    t.equal(json(await h.inject({ method: 'GET', url: `${url}/${acc.id}`, headers: bearer(a.token) })).displayName, null, 'stale writes changed nothing')

    const list = json(await h.inject({ method: 'GET', url: `${url}?brandId=${brandA.id}&platform=instagram`, headers: bearer(a.token) }))
    t.same(list.data.map((x: any) => x.id), [acc.id])

    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${acc.id}`, headers: { ...bearer(a.token), 'if-match': '"3"' } })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${acc.id}`, headers: bearer(a.token) })).statusCode, 404)

    const events = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${acc.id}`, headers: bearer(a.token) })).data
    t.same(events.map((e: any) => e.type), ['social_account.deleted', 'social_account.updated', 'social_account.updated', 'social_account.created'])
    t.same(events[2].data.changed.sort(), ['externalId', 'handle'])
    t.equal(events[3].data.socialAccount.handle, 'lumen.coffee')
    const brandIds = await h.sql('SELECT DISTINCT brand_id FROM events WHERE subject_id = $1', [acc.id])
    t.same(brandIds.map((r) => r.brand_id), [brandA.id], 'every event names the brand')
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const ok = { brandId: brandA.id, platform: 'x', handle: uniqueHandle() }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ platform: 'x', handle: 'abc' }, 'brandId'],
      [{ brandId: brandA.id, handle: 'abc' }, 'platform'],
      [{ brandId: brandA.id, platform: 'x' }, 'handle'],
      [{ ...ok, brandId: 'not-a-uuid' }, 'brandId'],
      [{ ...ok, platform: 'myspace' }, 'platform'],
      [{ ...ok, handle: 42 }, 'handle'],
      [{ ...ok, handle: '@' }, 'handle'],
      [{ ...ok, handle: '   ' }, 'handle'],
      [{ ...ok, platform: 'facebook', handle: 'two words' }, 'handle'],
      [{ ...ok, platform: 'facebook', handle: 'x'.repeat(101) }, 'handle'],
      [{ ...ok, handle: 'a_very_long_handle_16' }, 'handle'],
      [{ ...ok, handle: 'dots.not.allowed' }, 'handle'],
      [{ ...ok, platform: 'instagram', handle: 'x'.repeat(31) }, 'handle'],
      [{ ...ok, platform: 'tiktok', handle: 'a' }, 'handle'],
      [{ ...ok, platform: 'bluesky', handle: 'nodomain' }, 'handle'],
      [{ ...ok, displayName: 'x'.repeat(201) }, 'displayName'],
      [{ ...ok, displayName: '  ' }, 'displayName'],
      [{ ...ok, externalId: 12 }, 'externalId'],
      [{ ...ok, organizationId: b.orgId }, 'organizationId'],
      [{ ...ok, version: 3 }, 'version']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(json(res).code, 'HERALD_VALIDATION')
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}: ${res.body}`)
    }
    t.equal((await h.sql('SELECT count(*)::int AS n FROM social_accounts WHERE organization_id = $1', [a.orgId]))[0].n, 0, 'nothing was created')

    const acc = await createSocialAccount(h, a, brandA.id)
    for (const [field, value] of [['brandId', brandB.id], ['platform', 'bluesky']] as const) {
      const res = await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: bearer(a.token), payload: { [field]: value } })
      t.equal(res.statusCode, 400)
      t.match(json(res).errors, [{ path: field, message: /cannot be changed after creation/ }], `${field} is fixed`)
    }
    const badHandle = await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: bearer(a.token), payload: { handle: 'has.dot' } })
    t.equal(badHandle.statusCode, 400, 'the platform rules apply on change too')
    t.equal(json(badHandle).errors[0].path, 'handle')
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${acc.id}`, headers: bearer(a.token), payload: { nickname: 'x' } })).statusCode, 400)

    const badId = await h.inject({ method: 'GET', url: `${url}/nope`, headers: bearer(a.token) })
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.inject({ method, url: `${url}/00000000-0000-4000-8000-000000000000`, headers: bearer(a.token), ...(method === 'PATCH' ? { payload: { displayName: 'x' } } : {}) })
      t.equal(res.statusCode, 404, method)
    }
    const huge = await h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ ...ok, displayName: 'x'.repeat(1024 * 1024) }) })
    t.equal(huge.statusCode, 413)
    t.equal((await h.inject({ method: 'GET', url: `${url}?platform=myspace`, headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: `${url}?brand=${brandA.id}`, headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: `${url}?sort=platform`, headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: `${url}?limit=201`, headers: bearer(a.token) })).statusCode, 400)
  })

  t.test('a handle is unique per network in the organization, without case', async (t) => {
    const handle = uniqueHandle()
    const first = await createSocialAccount(h, a, brandA.id, { platform: 'x', handle })
    const other = await createBrand(h, a, 'Second brand')
    const dup = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: other.id, platform: 'x', handle: `@${handle.toUpperCase()}` } })
    t.equal(dup.statusCode, 409)
    t.match(json(dup), { code: 'HERALD_DUPLICATE', errors: [{ path: 'handle' }] })
    t.equal((await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: other.id, platform: 'instagram', handle } })).statusCode, 201, 'another network is fine')
    t.equal((await h.inject({ method: 'POST', url, headers: bearer(b.token), payload: { brandId: brandB.id, platform: 'x', handle } })).statusCode, 201, 'another organization is fine')
    const second = await createSocialAccount(h, a, other.id, { platform: 'x' })
    const dupPatch = await h.inject({ method: 'PATCH', url: `${url}/${second.id}`, headers: bearer(a.token), payload: { handle } })
    t.equal(dupPatch.statusCode, 409)
    t.equal(json(dupPatch).errors[0].path, 'handle')
    const recase = await h.inject({ method: 'PATCH', url: `${url}/${first.id}`, headers: bearer(a.token), payload: { handle: handle.toUpperCase() } })
    t.equal(recase.statusCode, 200, 'an account may change the case of its own handle')
  })

  t.test('another tenant\'s ids, in the path or the body, are 404 and change nothing', async (t) => {
    const theirs = await createSocialAccount(h, b, brandB.id, { displayName: 'Theirs' })
    for (const [method, payload] of [['GET'], ['PATCH', { displayName: 'Mine' }], ['DELETE']] as const) {
      const res = await h.inject({ method, url: `${url}/${theirs.id}`, headers: bearer(a.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, method)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    const intoTheirBrand = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brandB.id, platform: 'x', handle: uniqueHandle() } })
    t.equal(intoTheirBrand.statusCode, 404)
    t.match(json(intoTheirBrand), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'brandId' }] })
    const listed = json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(a.token) })).data
    t.notOk(listed.some((x: any) => x.id === theirs.id || x.brandId === brandB.id))
    t.same(json(await h.inject({ method: 'GET', url: `${url}?brandId=${brandB.id}`, headers: bearer(a.token) })).data, [])
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${theirs.id}`, headers: bearer(b.token) })), { displayName: 'Theirs', version: 1 })
    t.equal((await h.sql('SELECT count(*)::int AS n FROM social_accounts WHERE brand_id = $1', [brandB.id]))[0].n >= 1, true)
  })

  t.test('roles, brand grants and API-key scopes', async (t) => {
    const s = await signup(h, 'sa-roles')
    const granted = await createBrand(h, s, 'Granted')
    const hidden = await createBrand(h, s, 'Hidden')
    const onGranted = await createSocialAccount(h, s, granted.id)
    const onHidden = await createSocialAccount(h, s, hidden.id)
    const creator = await addMember(h, s, 'creator')
    const analyst = await addMember(h, s, 'analyst')
    const client = await addMember(h, s, 'client', [granted.id])
    const limitedManager = await addMember(h, s, 'manager', [granted.id])

    for (const m of [creator, analyst, client]) {
      t.equal((await h.inject({ method: 'GET', url: `${url}/${onGranted.id}`, headers: bearer(m.token) })).statusCode, 200, 'may read')
      const post = await h.inject({ method: 'POST', url, headers: bearer(m.token), payload: { brandId: granted.id, platform: 'x', handle: uniqueHandle() } })
      t.equal(post.statusCode, 403)
      t.equal(json(post).code, 'HERALD_FORBIDDEN')
      t.equal((await h.inject({ method: 'PATCH', url: `${url}/${onGranted.id}`, headers: bearer(m.token), payload: { displayName: 'No' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: `${url}/${onGranted.id}`, headers: bearer(m.token) })).statusCode, 403)
    }

    const clientList = json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(client.token) })).data
    t.same(clientList.map((x: any) => x.id), [onGranted.id], 'a client sees only granted brands\' accounts')
    t.equal((await h.inject({ method: 'GET', url: `${url}/${onHidden.id}`, headers: bearer(client.token) })).statusCode, 404)

    // A manager limited to one brand manages that brand's accounts and nothing else.
    const mine = await h.inject({ method: 'POST', url, headers: bearer(limitedManager.token), payload: { brandId: granted.id, platform: 'linkedin', handle: 'lumen-coffee' } })
    t.equal(mine.statusCode, 201)
    const notMine = await h.inject({ method: 'POST', url, headers: bearer(limitedManager.token), payload: { brandId: hidden.id, platform: 'x', handle: uniqueHandle() } })
    t.equal(notMine.statusCode, 404)
    t.equal(json(notMine).errors[0].path, 'brandId')
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${onHidden.id}`, headers: bearer(limitedManager.token), payload: { displayName: 'x' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${onHidden.id}`, headers: bearer(limitedManager.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `${url}?brandId=${hidden.id}`, headers: bearer(limitedManager.token) })).statusCode, 200)
    t.same(json(await h.inject({ method: 'GET', url: `${url}?brandId=${hidden.id}`, headers: bearer(limitedManager.token) })).data, [])

    const reader = await createApiKey(h, s, ['brands:read'])
    t.equal((await h.inject({ method: 'GET', url, headers: bearer(reader.secret) })).statusCode, 200)
    const denied = await h.inject({ method: 'POST', url, headers: bearer(reader.secret), payload: { brandId: granted.id, platform: 'x', handle: uniqueHandle() } })
    t.equal(denied.statusCode, 403)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'brands:write' })
    const noScope = await createApiKey(h, s, ['campaigns:read'])
    const noRead = await h.inject({ method: 'GET', url, headers: bearer(noScope.secret) })
    t.equal(noRead.statusCode, 403)
    t.equal(json(noRead).missingScope, 'brands:read')
    const writer = await createApiKey(h, s, ['brands:read', 'brands:write'], [granted.id])
    t.equal((await h.inject({ method: 'POST', url, headers: bearer(writer.secret), payload: { brandId: granted.id, platform: 'x', handle: uniqueHandle() } })).statusCode, 201)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${onHidden.id}`, headers: bearer(writer.secret) })).statusCode, 404, 'a brand-limited key sees only its brands')
  })

  t.test('sorting and paging', async (t) => {
    const s = await signup(h, 'sa-pages')
    const brand = await createBrand(h, s)
    for (const handle of ['delta', 'alpha', 'echo', 'charlie', 'bravo']) await createSocialAccount(h, s, brand.id, { handle })
    const byHandle = json(await h.inject({ method: 'GET', url: `${url}?sort=handle&limit=2`, headers: bearer(s.token) }))
    t.same(byHandle.data.map((x: any) => x.handle), ['alpha', 'bravo'])
    const next = json(await h.inject({ method: 'GET', url: `${url}?sort=handle&limit=2&cursor=${encodeURIComponent(byHandle.nextCursor)}`, headers: bearer(s.token) }))
    t.same(next.data.map((x: any) => x.handle), ['charlie', 'delta'])
    const newest = json(await h.inject({ method: 'GET', url: `${url}?limit=1`, headers: bearer(s.token) }))
    t.same(newest.data.map((x: any) => x.handle), ['bravo'], 'newest first by default')
    t.equal((await h.inject({ method: 'GET', url: `${url}?sort=-createdAt&cursor=${encodeURIComponent(byHandle.nextCursor)}`, headers: bearer(s.token) })).statusCode, 400)
  })

  t.test('Idempotency-Key replays the creation', async (t) => {
    const headers = { ...bearer(a.token), 'idempotency-key': 'sa-create-1' }
    const payload = { brandId: brandA.id, platform: 'youtube', handle: '@LumenCoffeeTV' }
    const first = await h.inject({ method: 'POST', url, headers, payload })
    const again = await h.inject({ method: 'POST', url, headers, payload })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'social_account.created' AND subject_id = $1", [json(first).id]))[0].n, 1)
    const mismatch = await h.inject({ method: 'POST', url, headers, payload: { ...payload, handle: 'other' } })
    t.equal(mismatch.statusCode, 422)
  })

  t.test('an account that content targets cannot be deleted', async (t) => {
    const acc = await createSocialAccount(h, a, brandA.id)
    const [item] = await h.sql(`INSERT INTO content_items (organization_id, brand_id, title, kind, created_by_type)
      VALUES ($1, $2, 'Post', 'post', 'member') RETURNING id`, [a.orgId, brandA.id])
    await h.sql('INSERT INTO content_targets (organization_id, content_item_id, social_account_id, position) VALUES ($1, $2, $3, 0)', [a.orgId, item.id, acc.id])
    const res = await h.inject({ method: 'DELETE', url: `${url}/${acc.id}`, headers: bearer(a.token) })
    t.equal(res.statusCode, 409)
    t.equal(json(res).code, 'HERALD_IN_USE')
    t.equal((await h.inject({ method: 'GET', url: `${url}/${acc.id}`, headers: bearer(a.token) })).statusCode, 200, 'still there')
    await h.sql('DELETE FROM content_items WHERE id = $1', [item.id])
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${acc.id}`, headers: bearer(a.token) })).statusCode, 204, 'deletable once nothing targets it')
  })
})
