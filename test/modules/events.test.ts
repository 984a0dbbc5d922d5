import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'

t.test('events and audit', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'events')

  t.test('integrations poll events newest first, filtered by type and subject', async (t) => {
    const b1 = await createBrand(h, owner, 'E1')
    await createBrand(h, owner, 'E2')
    const key = await createApiKey(h, owner, ['events:read'])
    const all = json(await h.inject({ method: 'GET', url: '/v1/events?type=brand.created', headers: bearer(key.secret) }))
    t.same(all.data.map((e: any) => e.data.brand.name), ['E2', 'E1'])
    const one = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${b1.id}`, headers: bearer(key.secret) }))
    t.equal(one.data.length, 1)
    // Who acted (issue 9): type and id for every reader; the label only for readers of members.
    t.match(one.data[0].actor, { type: 'member', id: /^[0-9a-f-]{36}$/, label: null })
    const range = await h.inject({ method: 'GET', url: '/v1/events?createdAtFrom=2030-01-01T00:00:00Z&createdAtTo=2020-01-01T00:00:00Z', headers: bearer(key.secret) })
    t.equal(range.statusCode, 400)
  })

  t.test('the audit log is for owners and admins, with actor and request id', async (t) => {
    const manager = await addMember(h, owner, 'manager')
    await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(manager.token), 'x-request-id': 'req-audit-1' }, payload: { name: 'Audited', timeZone: 'UTC' } })
    const audit = json(await h.inject({ method: 'GET', url: '/v1/audit-events?limit=5', headers: bearer(owner.token) }))
    const entry = audit.data.find((e: any) => e.action === 'brand.created' && e.data.brand.name === 'Audited')
    t.match(entry, { actor: { type: 'member', id: manager.membershipId, label: manager.email }, requestId: 'req-audit-1' })
    t.equal((await h.inject({ method: 'GET', url: '/v1/audit-events', headers: bearer(manager.token) })).statusCode, 403)
  })

  t.test('events carry their brand; brand-limited credentials see only their brands\' events', async (t) => {
    const org = await signup(h, 'events-brands')
    const mine = await createBrand(h, org, 'Mine')
    const theirs = await createBrand(h, org, 'Theirs')
    await h.inject({ method: 'PATCH', url: `/v1/brands/${theirs.id}`, headers: bearer(org.token), payload: { name: 'Theirs 2' } })
    await h.inject({ method: 'PATCH', url: `/v1/brands/${mine.id}`, headers: bearer(org.token), payload: { name: 'Mine 2' } })
    const limitedKey = await createApiKey(h, org, ['events:read'], [mine.id])
    const limitedAdmin = await addMember(h, org, 'admin', [mine.id])
    const wideKey = await createApiKey(h, org, ['events:read'])

    const wide = json(await h.inject({ method: 'GET', url: '/v1/events', headers: bearer(wideKey.secret) })).data
    t.same(new Set(wide.map((e: any) => e.brandId)), new Set([null, mine.id, theirs.id]), 'the organization sees every event, organization-level ones with brandId null')
    t.match(wide.find((e: any) => e.type === 'organization.created'), { brandId: null })
    t.match(wide.find((e: any) => e.type === 'brand.updated' && e.subjectId === theirs.id), { brandId: theirs.id })

    const limited = json(await h.inject({ method: 'GET', url: '/v1/events', headers: bearer(limitedKey.secret) })).data
    t.same(limited.map((e: any) => [e.type, e.brandId]), [['brand.updated', mine.id], ['brand.created', mine.id], ['approval_policy.created', mine.id]], 'only its brand, no member/key/organization events')
    const audit = json(await h.inject({ method: 'GET', url: '/v1/audit-events', headers: bearer(limitedAdmin.token) })).data
    t.same(audit.map((e: any) => [e.action, e.brandId]), [['brand.updated', mine.id], ['brand.created', mine.id], ['approval_policy.created', mine.id]], 'the audit log is limited the same way')
    t.notOk(JSON.stringify(audit).includes(theirs.id))

    // The filter narrows; it never widens a limited credential's view.
    const filtered = json(await h.inject({ method: 'GET', url: `/v1/events?brandId=${theirs.id}`, headers: bearer(wideKey.secret) })).data
    t.same(filtered.map((e: any) => e.type), ['brand.updated', 'brand.created', 'approval_policy.created'], 'a new brand comes with its default approval policy')
    t.ok(filtered.every((e: any) => e.brandId === theirs.id))
    t.same(json(await h.inject({ method: 'GET', url: `/v1/events?brandId=${theirs.id}`, headers: bearer(limitedKey.secret) })).data, [], 'an ungranted brand filters to nothing')
    t.same(json(await h.inject({ method: 'GET', url: `/v1/audit-events?brandId=${theirs.id}`, headers: bearer(limitedAdmin.token) })).data, [])
    t.same(json(await h.inject({ method: 'GET', url: `/v1/events?brandId=${mine.id}`, headers: bearer(owner.token) })).data, [], 'another organization\'s brand filters to nothing')
    const bad = await h.inject({ method: 'GET', url: '/v1/events?brandId=not-a-uuid', headers: bearer(wideKey.secret) })
    t.equal(bad.statusCode, 400)
    t.match(json(bad).errors, [{ path: 'brandId' }])

    // Events outlive their brand (no foreign key): a key limited to a deleted brand still reads its history.
    const gone = await createBrand(h, org, 'Gone')
    const goneKey = await createApiKey(h, org, ['events:read'], [gone.id])
    await h.inject({ method: 'DELETE', url: `/v1/brands/${gone.id}`, headers: bearer(org.token) })
    t.same(json(await h.inject({ method: 'GET', url: '/v1/events', headers: bearer(goneKey.secret) })).data.map((e: any) => e.type), ['brand.deleted', 'brand.created', 'approval_policy.created'])
  })

  t.test('a change and its event commit together or not at all', async (t) => {
    const before = (await h.sql('SELECT count(*)::int AS n FROM brands'))[0].n
    const eventsBefore = (await h.sql('SELECT count(*)::int AS n FROM events'))[0].n
    // The service writes the brand and its event in the caller's transaction; roll it back.
    const { tx } = await h.app.openTx('herald_app', owner.orgId)
    const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(owner.token) }))
    const ctx = { actor: { kind: 'member' as const, id: me.membershipId, orgId: owner.orgId, userId: owner.userId, role: 'owner' as const, permissions: new Set<any>(['brands:write']), brandIds: null, label: owner.email }, db: tx.db, requestId: 'atomicity' }
    await h.app.brands.create(ctx, { name: 'Doomed', timeZone: 'UTC' })
    await tx.rollback()
    t.equal((await h.sql('SELECT count(*)::int AS n FROM brands'))[0].n, before)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM events'))[0].n, eventsBefore)
  })
})
