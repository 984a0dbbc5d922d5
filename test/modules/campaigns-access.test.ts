import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createCampaign, createSocialAccount } from '../factories-campaigns.js'

t.test('campaigns: tenants, brands, roles, keys', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'ca-a')
  const b = await signup(h, 'ca-b')
  const brandA = await createBrand(h, a, 'Lumen')
  const brandA2 = await createBrand(h, a, 'Lumen Tea')
  const brandB = await createBrand(h, b, 'Theirs')
  const url = '/v1/campaigns'

  t.test('channels must be accounts of the same brand: 404 unknown or foreign, 422 another brand', async (t) => {
    const mine = await createSocialAccount(h, a, brandA.id)
    const sister = await createSocialAccount(h, a, brandA2.id)
    const theirs = await createSocialAccount(h, b, brandB.id)
    const base = { brandId: brandA.id, name: 'Channels', objective: 'engagement' }

    const foreign = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { ...base, channelIds: [mine.id, theirs.id] } })
    t.equal(foreign.statusCode, 404)
    t.match(json(foreign), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'channelIds/1', message: 'social account not found' }] })
    const unknown = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { ...base, channelIds: ['00000000-0000-4000-8000-000000000000'] } })
    t.equal(unknown.statusCode, 404)
    t.equal(json(unknown).errors[0].path, 'channelIds/0')
    const otherBrand = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { ...base, channelIds: [sister.id, mine.id] } })
    t.equal(otherBrand.statusCode, 422)
    t.match(json(otherBrand), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'channelIds/0', message: 'social account of another brand' }] })
    t.equal((await h.sql("SELECT count(*)::int AS n FROM campaigns WHERE name = 'Channels'"))[0].n, 0, 'nothing was created')

    const c = await createCampaign(h, a, brandA.id, { channelIds: [mine.id] })
    const patchForeign = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { channelIds: [theirs.id] } })
    t.equal(patchForeign.statusCode, 404)
    t.equal(json(patchForeign).errors[0].path, 'channelIds/0')
    const patchSister = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload: { channelIds: [mine.id, sister.id] } })
    t.equal(patchSister.statusCode, 422)
    t.equal(json(patchSister).errors[0].path, 'channelIds/1')
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })), { channelIds: [mine.id], version: 1 })
  })

  t.test('another tenant\'s ids in the path or the body are 404 and change nothing', async (t) => {
    const theirs = await createCampaign(h, b, brandB.id, { name: 'Their campaign' })
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'Mine now' }], ['PATCH', { status: 'planned' }], ['DELETE']] as const) {
      const res = await h.inject({ method, url: `${url}/${theirs.id}`, headers: bearer(a.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 404, method)
      t.equal(json(res).code, 'HERALD_NOT_FOUND')
    }
    const intoTheirBrand = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brandB.id, name: 'x', objective: 'sales' } })
    t.equal(intoTheirBrand.statusCode, 404)
    t.match(json(intoTheirBrand).errors, [{ path: 'brandId' }])
    const theirOwner = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { brandId: brandA.id, name: 'x', objective: 'sales', ownerId: b.membershipId } })
    t.equal(theirOwner.statusCode, 404)
    t.match(json(theirOwner).errors, [{ path: 'ownerId' }])
    const mine = await createCampaign(h, a, brandA.id)
    const patchOwner = await h.inject({ method: 'PATCH', url: `${url}/${mine.id}`, headers: bearer(a.token), payload: { ownerId: b.membershipId } })
    t.equal(patchOwner.statusCode, 404)
    t.equal(json(await h.inject({ method: 'GET', url: `${url}/${mine.id}`, headers: bearer(a.token) })).ownerId, a.membershipId)
    t.same(json(await h.inject({ method: 'GET', url: `${url}?brandId=${brandB.id}`, headers: bearer(a.token) })).data, [])
    t.notOk(json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(a.token) })).data.some((c: any) => c.brandId === brandB.id))
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${theirs.id}`, headers: bearer(b.token) })), { name: 'Their campaign', status: 'draft', version: 1 })
  })

  t.test('creators, analysts and clients read but do not write; clients see only granted brands', async (t) => {
    const c = await createCampaign(h, a, brandA.id)
    const hidden = await createCampaign(h, a, brandA2.id)
    const creator = await addMember(h, a, 'creator')
    const analyst = await addMember(h, a, 'analyst')
    const client = await addMember(h, a, 'client', [brandA.id])
    for (const m of [creator, analyst, client]) {
      t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(m.token) })).statusCode, 200)
      const post = await h.inject({ method: 'POST', url, headers: bearer(m.token), payload: { brandId: brandA.id, name: 'No', objective: 'sales' } })
      t.equal(post.statusCode, 403)
      t.equal(json(post).code, 'HERALD_FORBIDDEN')
      t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(m.token), payload: { status: 'planned' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'DELETE', url: `${url}/${c.id}`, headers: bearer(m.token) })).statusCode, 403)
    }
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })), { status: 'draft', version: 1 }, 'unchanged')
    const clientList = json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(client.token) })).data
    t.ok(clientList.length > 0)
    t.ok(clientList.every((x: any) => x.brandId === brandA.id), 'a client sees only granted brands')
    t.equal((await h.inject({ method: 'GET', url: `${url}/${hidden.id}`, headers: bearer(client.token) })).statusCode, 404)
  })

  t.test('a brand-limited manager plans only in its brands', async (t) => {
    const manager = await addMember(h, a, 'manager', [brandA.id])
    const hidden = await createCampaign(h, a, brandA2.id)
    t.equal((await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload: { brandId: brandA.id, name: 'Mine', objective: 'sales' } })).statusCode, 201)
    const other = await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload: { brandId: brandA2.id, name: 'No', objective: 'sales' } })
    t.equal(other.statusCode, 404)
    t.equal(json(other).errors[0].path, 'brandId')
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      t.equal((await h.inject({ method, url: `${url}/${hidden.id}`, headers: bearer(manager.token), ...(payload ? { payload } : {}) })).statusCode, 404, method)
    }
    // An account of a brand it cannot see reads as unknown, not as "another brand".
    const hiddenAccount = await createSocialAccount(h, a, brandA2.id)
    const res = await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload: { brandId: brandA.id, name: 'x', objective: 'sales', channelIds: [hiddenAccount.id] } })
    t.equal(res.statusCode, 404)
    t.equal(json(res).errors[0].path, 'channelIds/0')
  })

  t.test('API keys need the campaigns scopes', async (t) => {
    const reader = await createApiKey(h, a, ['campaigns:read'])
    t.equal((await h.inject({ method: 'GET', url, headers: bearer(reader.secret) })).statusCode, 200)
    const denied = await h.inject({ method: 'POST', url, headers: bearer(reader.secret), payload: { brandId: brandA.id, name: 'No', objective: 'sales' } })
    t.equal(denied.statusCode, 403)
    t.match(json(denied), { code: 'HERALD_FORBIDDEN', missingScope: 'campaigns:write' })
    const c = await createCampaign(h, a, brandA.id)
    t.match(json(await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(reader.secret), payload: { status: 'planned' } })), { missingScope: 'campaigns:write' })
    const brandsOnly = await createApiKey(h, a, ['brands:read', 'brands:write'])
    const noRead = await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(brandsOnly.secret) })
    t.equal(noRead.statusCode, 403)
    t.equal(json(noRead).missingScope, 'campaigns:read')
    const limited = await createApiKey(h, a, ['campaigns:read', 'campaigns:write'], [brandA2.id])
    t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(limited.secret) })).statusCode, 404, 'a brand-limited key sees only its brands')
    const created = await h.inject({ method: 'POST', url, headers: bearer(limited.secret), payload: { brandId: brandA2.id, name: 'Key made', objective: 'sales' } })
    t.equal(created.statusCode, 201)
    t.equal(json(created).ownerId, null)
  })

  t.test('Idempotency-Key replays a creation', async (t) => {
    const headers = { ...bearer(a.token), 'idempotency-key': 'campaign-create-1' }
    const payload = { brandId: brandA.id, name: 'Once only', objective: 'community', tags: ['x'] }
    const first = await h.inject({ method: 'POST', url, headers, payload })
    const again = await h.inject({ method: 'POST', url, headers, payload })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    t.equal(again.headers.etag, first.headers.etag)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM campaigns WHERE name = 'Once only'"))[0].n, 1)
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE type = 'campaign.created' AND subject_id = $1", [json(first).id]))[0].n, 1)
    t.equal((await h.inject({ method: 'POST', url, headers, payload: { ...payload, name: 'Twice' } })).statusCode, 422)
  })

  t.test('deleting a social account takes it out of its campaigns, with a new version and an event', async (t) => {
    const keep = await createSocialAccount(h, a, brandA.id)
    const gone = await createSocialAccount(h, a, brandA.id)
    const c = await createCampaign(h, a, brandA.id, { channelIds: [keep.id, gone.id] })
    const untouched = await createCampaign(h, a, brandA.id, { channelIds: [keep.id] })
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/social-accounts/${gone.id}`, headers: bearer(a.token) })).statusCode, 204)
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })), { channelIds: [keep.id], version: 2 })
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${untouched.id}`, headers: bearer(a.token) })), { version: 1 })
    const [event] = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${c.id}&type=campaign.updated`, headers: bearer(a.token) })).data
    t.match(event.data, { changed: ['channelIds'], socialAccountId: gone.id, campaign: { channelIds: [keep.id], version: 2 } })
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { name: 'x' } })).statusCode, 412, 'an ETag read before is stale')
  })

  t.test('a page of campaigns reads its channels in one statement (no N+1)', async (t) => {
    const s = await signup(h, 'ca-n1')
    const brand = await createBrand(h, s)
    const accounts = [await createSocialAccount(h, s, brand.id), await createSocialAccount(h, s, brand.id)]
    const count = async () => {
      const before = h.queries.length
      const res = await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(s.token) })
      t.equal(res.statusCode, 200)
      return { statements: h.queries.length - before, rows: json(res).data.length }
    }
    await createCampaign(h, s, brand.id, { channelIds: [accounts[0].id] })
    const one = await count()
    for (let i = 0; i < 9; i++) await createCampaign(h, s, brand.id, { channelIds: accounts.map((x) => x.id) })
    const ten = await count()
    t.equal(one.rows, 1)
    t.equal(ten.rows, 10)
    t.equal(ten.statements, one.statements, `the same number of statements (${one.statements}) for 1 and 10 campaigns`)
    t.equal(one.statements, 1, 'the channels travel in the campaigns statement')
  })
})
