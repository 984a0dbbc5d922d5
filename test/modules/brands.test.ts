import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'

t.test('brands', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')

  t.test('create, read, list, update, delete', async (t) => {
    const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(a.token), payload: { name: 'Lumen Coffee', timeZone: 'America/New_York' } })
    t.equal(res.statusCode, 201)
    const brand = json(res)
    t.match(brand, { name: 'Lumen Coffee', timeZone: 'America/New_York', status: 'active', version: 1 })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `/v1/brands/${brand.id}`)

    const got = await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })
    t.equal(got.statusCode, 200)
    t.same(json(got), brand)

    const notModified = await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-none-match': '"1"' } })
    t.equal(notModified.statusCode, 304)
    t.equal(notModified.body, '')

    const patched = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'Lumen Roasters' } })
    t.equal(patched.statusCode, 200)
    t.match(json(patched), { name: 'Lumen Roasters', version: 2 })
    t.equal(patched.headers.etag, '"2"')

    const stale = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'Stale' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 2 })
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })).name, 'Lumen Roasters', 'a stale write changes nothing')

    const staleDelete = await h.inject({ method: 'DELETE', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' } })
    t.equal(staleDelete.statusCode, 412)
    const del = await h.inject({ method: 'DELETE', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"2"' } })
    t.equal(del.statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })).statusCode, 404)

    const types = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${brand.id}`, headers: bearer(a.token) })).data.map((e: any) => e.type)
    t.same(types, ['brand.deleted', 'brand.updated', 'brand.created'], 'every change wrote its event, newest first')
  })

  t.test('concurrent updates with the same If-Match: one wins, one gets 412', async (t) => {
    const brand = await createBrand(h, a)
    const [r1, r2] = await Promise.all(['One', 'Two'].map((name) =>
      h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name } })))
    t.same([r1.statusCode, r2.statusCode].sort(), [200, 412])
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const cases: Array<[unknown, string]> = [
      [{ timeZone: 'Europe/Paris' }, 'name'],
      [{ name: 'x', timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ name: 'x', timeZone: '+02:00' }, 'timeZone'],
      [{ name: 42, timeZone: 'UTC' }, 'name'],
      [{ name: 'x'.repeat(201), timeZone: 'UTC' }, 'name'],
      [{ name: 'x', timeZone: 'UTC', organizationId: b.orgId }, 'organizationId'],
      [{ name: 'x', timeZone: 'UTC', version: 9 }, 'version']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(a.token), payload: payload as object })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}`)
    }
    const patchStatus = await h.inject({ method: 'PATCH', url: `/v1/brands/${(await createBrand(h, a)).id}`, headers: bearer(a.token), payload: { status: 'deleted' } })
    t.equal(patchStatus.statusCode, 400)
    const badId = await h.inject({ method: 'GET', url: '/v1/brands/not-a-uuid', headers: bearer(a.token) })
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    const unknown = await h.inject({ method: 'GET', url: '/v1/brands/00000000-0000-4000-8000-000000000000', headers: bearer(a.token) })
    t.equal(unknown.statusCode, 404)
    const notJson = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: '{"name":' })
    t.equal(notJson.statusCode, 400)
    const textBody = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'content-type': 'text/plain' }, payload: 'name=x' })
    t.equal(textBody.statusCode, 415)
    t.equal(json(textBody).code, 'HERALD_UNSUPPORTED_MEDIA_TYPE')
    const huge = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024), timeZone: 'UTC' }) })
    t.equal(huge.statusCode, 413)
    t.equal(json(huge).code, 'HERALD_PAYLOAD_TOO_LARGE')
    const badQuery = await h.inject({ method: 'GET', url: '/v1/brands?stauts=active', headers: bearer(a.token) })
    t.equal(badQuery.statusCode, 400, 'unknown query parameters are refused')
    t.equal((await h.inject({ method: 'GET', url: '/v1/brands?limit=201', headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: '/v1/brands?limit=0', headers: bearer(a.token) })).statusCode, 400)
    t.equal((await h.inject({ method: 'GET', url: '/v1/brands?sort=secret', headers: bearer(a.token) })).statusCode, 400)
  })

  t.test('another tenant\'s brand is a 404 and stays unchanged', async (t) => {
    const theirs = await createBrand(h, b, 'Theirs')
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'Mine now' }], ['DELETE']] as const) {
      const res = await h.inject({ method, url: `/v1/brands/${theirs.id}`, headers: bearer(a.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, method)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    const list = json(await h.inject({ method: 'GET', url: '/v1/brands?limit=200', headers: bearer(a.token) }))
    t.notOk(list.data.some((x: any) => x.id === theirs.id))
    const still = json(await h.inject({ method: 'GET', url: `/v1/brands/${theirs.id}`, headers: bearer(b.token) }))
    t.match(still, { name: 'Theirs', version: 1 })
  })

  t.test('pagination is stable under inserts and cursors are bound to org and sort', async (t) => {
    const s = await signup(h, 'pager')
    for (let i = 0; i < 12; i++) await createBrand(h, s, `B${String(i).padStart(2, '0')}`)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await h.inject({ method: 'GET', url: `/v1/brands?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(s.token) })
      t.equal(res.statusCode, 200)
      const page = json(res)
      seen.push(...page.data.map((x: any) => x.name))
      cursor = page.nextCursor
      if (pages++ === 0) await createBrand(h, s, 'Inserted meanwhile')
    } while (cursor)
    t.equal(pages, 3)
    t.equal(seen.length, 12, 'no duplicates, no gaps; the newer insert does not shift pages')
    t.equal(new Set(seen).size, 12)
    t.equal(seen[0], 'B11', 'default sort is newest first')

    const byName = json(await h.inject({ method: 'GET', url: '/v1/brands?limit=3&sort=name', headers: bearer(s.token) }))
    t.same(byName.data.map((x: any) => x.name), ['B00', 'B01', 'B02'])
    const wrongSort = await h.inject({ method: 'GET', url: `/v1/brands?sort=-createdAt&cursor=${encodeURIComponent(byName.nextCursor)}`, headers: bearer(s.token) })
    t.equal(wrongSort.statusCode, 400)
    t.equal(json(wrongSort).code, 'HERALD_BAD_CURSOR')
    const otherOrg = await h.inject({ method: 'GET', url: `/v1/brands?sort=name&cursor=${encodeURIComponent(byName.nextCursor)}`, headers: bearer(a.token) })
    t.equal(otherOrg.statusCode, 400, 'a cursor minted for one organization is refused in another')
    const tampered = byName.nextCursor.replace(/^./, (c: string) => (c === 'e' ? 'f' : 'e'))
    t.equal((await h.inject({ method: 'GET', url: `/v1/brands?sort=name&cursor=${encodeURIComponent(tampered)}`, headers: bearer(s.token) })).statusCode, 400)
  })

  t.test('Idempotency-Key replays the first response and refuses a different body', async (t) => {
    const headers = { ...bearer(a.token), 'idempotency-key': 'create-brand-0001' }
    const first = await h.inject({ method: 'POST', url: '/v1/brands', headers, payload: { name: 'Once', timeZone: 'UTC' } })
    const again = await h.inject({ method: 'POST', url: '/v1/brands', headers, payload: { name: 'Once', timeZone: 'UTC' } })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal(again.headers.location, first.headers.location)
    const rows = await h.sql('SELECT count(*)::int AS n FROM brands WHERE name = $1', ['Once'])
    t.equal(rows[0].n, 1, 'exactly one brand')
    const events = await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'brand.created' AND subject_id = $1", [json(first).id])
    t.equal(events[0].n, 1, 'exactly one event')

    const other = await h.inject({ method: 'POST', url: '/v1/brands', headers, payload: { name: 'Different', timeZone: 'UTC' } })
    t.equal(other.statusCode, 422)
    t.equal(json(other).code, 'HERALD_IDEMPOTENCY_MISMATCH')

    const bad = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'idempotency-key': 'has spaces' }, payload: { name: 'x', timeZone: 'UTC' } })
    t.equal(bad.statusCode, 400)

    const invalidFirst = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'idempotency-key': 'fix-me' }, payload: { name: 'Fixed', timeZone: 'Nowhere/Land' } })
    t.equal(invalidFirst.statusCode, 400)
    const fixed = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'idempotency-key': 'fix-me' }, payload: { name: 'Fixed', timeZone: 'UTC' } })
    t.equal(fixed.statusCode, 201, 'a refused request is not stored; the key can be reused')

    const sameKeyOtherOrg = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(b.token), 'idempotency-key': 'create-brand-0001' }, payload: { name: 'Once', timeZone: 'UTC' } })
    t.equal(sameKeyOtherOrg.statusCode, 201)
    t.not(json(sameKeyOtherOrg).id, json(first).id, 'keys are scoped to the credential')

    const [c1, c2] = await Promise.all([1, 2].map(() => h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(a.token), 'idempotency-key': 'race-1' }, payload: { name: 'Raced', timeZone: 'UTC' } })))
    t.same([c1.statusCode, c2.statusCode], [201, 201])
    t.equal(json(c1).id, json(c2).id, 'concurrent duplicates wait for the first and replay it')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM brands WHERE name = 'Raced'"))[0].n, 1)
  })

  t.test('roles, grants and scopes', async (t) => {
    const brand = await createBrand(h, a, 'Granted')
    const other = await createBrand(h, a, 'Not granted')
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brand.id])
    const manager = await addMember(h, a, 'manager')

    for (const s of [creator, analyst, client]) {
      const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(s.token), payload: { name: 'No', timeZone: 'UTC' } })
      t.equal(res.statusCode, 403)
      t.equal(json(res).code, 'HERALD_FORBIDDEN')
      t.equal((await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(s.token), payload: { name: 'No' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: `/v1/brands/${brand.id}`, headers: bearer(s.token) })).statusCode, 403)
    }
    t.equal((await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(manager.token), payload: { name: 'Yes', timeZone: 'UTC' } })).statusCode, 201)

    const clientList = json(await h.inject({ method: 'GET', url: '/v1/brands?limit=200', headers: bearer(client.token) }))
    t.same(clientList.data.map((x: any) => x.id), [brand.id], 'a client sees only granted brands')
    t.equal((await h.inject({ method: 'GET', url: `/v1/brands/${other.id}`, headers: bearer(client.token) })).statusCode, 404)

    const reader = await createApiKey(h, a, ['brands:read'])
    t.equal((await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(reader.secret) })).statusCode, 200)
    const denied = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(reader.secret), payload: { name: 'No', timeZone: 'UTC' } })
    t.equal(denied.statusCode, 403)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'brands:write' })
    const limitedKey = await createApiKey(h, a, ['brands:read'], [brand.id])
    t.equal((await h.inject({ method: 'GET', url: `/v1/brands/${other.id}`, headers: bearer(limitedKey.secret) })).statusCode, 404)
    const noScope = await createApiKey(h, a, ['events:read'])
    t.equal((await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(noScope.secret) })).statusCode, 403)
  })
})
