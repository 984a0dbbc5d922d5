import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'

t.test('organization settings', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'org')
  const other = await signup(h, 'org-other')
  const get = (token: string, headers: Record<string, string> = {}) => h.inject({ method: 'GET', url: '/v1/organization', headers: { ...bearer(token), ...headers } })
  const patch = (token: string, payload: unknown, headers: Record<string, string> = {}) => h.inject({ method: 'PATCH', url: '/v1/organization', headers: { ...bearer(token), ...headers }, payload: payload as any })
  const orgRow = async (id: string) => (await h.sql('SELECT name, time_zone, version FROM organizations WHERE id = $1', [id]))[0]

  t.test('every role and a key with organization:read can read it, with ETag and 304', async (t) => {
    const res = await get(owner.token)
    t.equal(res.statusCode, 200)
    t.match(json(res), { id: owner.orgId, name: /^org-/, slug: /^org-/, timeZone: 'UTC', version: 1, createdAt: String, updatedAt: String })
    t.equal(res.headers.etag, '"1"')
    t.equal((await get(owner.token, { 'if-none-match': '"1"' })).statusCode, 304)
    for (const role of ['admin', 'manager', 'creator', 'analyst', 'client'] as const) {
      const m = await addMember(h, owner, role)
      t.equal(json(await get(m.token)).id, owner.orgId, `${role} reads it`)
    }
    const key = await createApiKey(h, owner, ['organization:read'])
    t.equal((await get(key.secret)).statusCode, 200)
    const noScope = await createApiKey(h, owner, ['brands:read'])
    const refused = await get(noScope.secret)
    t.equal(refused.statusCode, 403)
    t.match(json(refused), { code: 'HERALD_FORBIDDEN', missingScope: 'organization:read' })
    t.equal(json(await get(other.token)).id, other.orgId, 'each credential sees its own organization')
  })

  t.test('owners and admins change it; the change bumps the version and writes an event', async (t) => {
    const res = await patch(owner.token, { name: 'Renamed Agency', timeZone: 'Europe/Berlin' })
    t.equal(res.statusCode, 200)
    t.match(json(res), { name: 'Renamed Agency', timeZone: 'Europe/Berlin', version: 2 })
    t.equal(res.headers.etag, '"2"')
    t.same(await orgRow(owner.orgId), { name: 'Renamed Agency', time_zone: 'Europe/Berlin', version: 2 })
    const [event] = await h.sql("SELECT subject_type, subject_id, brand_id, data FROM events WHERE organization_id = $1 AND type = 'organization.updated'", [owner.orgId])
    t.match(event, { subject_type: 'organization', subject_id: owner.orgId, brand_id: null, data: { changed: ['name', 'timeZone'], organization: { name: 'Renamed Agency', version: 2 } } })
    t.equal((await orgRow(other.orgId)).version, 1, 'another organization is untouched')

    const admin = await addMember(h, owner, 'admin')
    const byAdmin = await patch(admin.token, { timeZone: 'America/New_York' })
    t.equal(byAdmin.statusCode, 200)
    t.match(json(byAdmin), { name: 'Renamed Agency', timeZone: 'America/New_York', version: 3 })

    const same = await patch(owner.token, { name: 'Renamed Agency' })
    t.equal(json(same).version, 3, 'a patch that changes nothing keeps the version')
    t.equal((await h.sql("SELECT count(*)::int AS n FROM events WHERE organization_id = $1 AND type = 'organization.updated'", [owner.orgId]))[0].n, 2, 'and writes no event')
    const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(owner.token) }))
    t.same(me.organization, { id: owner.orgId, name: 'Renamed Agency', slug: json(same).slug, timeZone: 'America/New_York' }, '/v1/me shows the new settings')
  })

  t.test('other roles, brand-limited admins and API keys are refused', async (t) => {
    const before = await orgRow(owner.orgId)
    for (const role of ['manager', 'creator', 'analyst', 'client'] as const) {
      const m = await addMember(h, owner, role)
      const res = await patch(m.token, { name: 'No' })
      t.equal(res.statusCode, 403, role)
      t.equal(json(res).code, 'HERALD_FORBIDDEN')
    }
    const brand = await createBrand(h, owner)
    const limitedAdmin = await addMember(h, owner, 'admin', [brand.id])
    const limited = await patch(limitedAdmin.token, { name: 'No' })
    t.equal(limited.statusCode, 403)
    t.equal(json(limited).code, 'HERALD_FORBIDDEN')
    const key = await createApiKey(h, owner, ['organization:read', 'brands:write'])
    const byKey = await patch(key.secret, { name: 'No' })
    t.equal(byKey.statusCode, 403)
    t.equal(json(byKey).code, 'HERALD_USER_REQUIRED')
    t.same(await orgRow(owner.orgId), before, 'nothing changed')
  })

  t.test('If-Match: a stale version is a 412 and changes nothing', async (t) => {
    const current = json(await get(owner.token))
    const stale = await patch(owner.token, { name: 'Stale' }, { 'if-match': `"${current.version - 1}"` })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: current.version })
    t.equal((await orgRow(owner.orgId)).name, current.name)
    const fresh = await patch(owner.token, { name: 'Fresh' }, { 'if-match': `"${current.version}"` })
    t.equal(fresh.statusCode, 200)
    t.equal(json(fresh).version, current.version + 1)
    t.equal((await patch(owner.token, { name: 'Any' }, { 'if-match': '*' })).statusCode, 200)
  })

  t.test('bad input', async (t) => {
    const before = await orgRow(owner.orgId)
    const cases: Array<[unknown, string]> = [
      [{ name: 5 }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: 'Europe/' + 'x'.repeat(70) }, 'timeZone'],
      [{ timeZone: null }, 'timeZone'],
      [{ slug: 'mine' }, 'slug'],
      [{ id: other.orgId }, 'id'],
      [[], '(body)']
    ]
    for (const [payload, path] of cases) {
      const res = await patch(owner.token, payload)
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60))
      t.equal(json(res).code, 'HERALD_VALIDATION')
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}`)
    }
    const big = await patch(owner.token, { name: 'x'.repeat(1024 * 1024 + 10) })
    t.equal(big.statusCode, 413)
    t.equal(json(big).code, 'HERALD_PAYLOAD_TOO_LARGE')
    const plain = await h.inject({ method: 'PATCH', url: '/v1/organization', headers: { ...bearer(owner.token), 'content-type': 'text/plain' }, payload: 'name=x' })
    t.equal(plain.statusCode, 415)
    const broken = await h.inject({ method: 'PATCH', url: '/v1/organization', headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: '{"name":' })
    t.equal(broken.statusCode, 400)
    t.equal((await h.inject({ method: 'PATCH', url: '/v1/organization', payload: { name: 'x' } })).statusCode, 401)
    const query = await h.inject({ method: 'GET', url: '/v1/organization?slug=x', headers: bearer(owner.token) })
    t.equal(query.statusCode, 400, 'an unknown query parameter is refused')
    t.match(json(query).errors, [{ path: 'slug' }])
    t.same(await orgRow(owner.orgId), before, 'nothing changed')
  })

  t.test('GraphQL: updateOrganization and viewer.organization.version', async (t) => {
    const gql = async (token: string, query: string, variables?: object) => json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query, variables } }))
    const viewer = await gql(owner.token, '{ viewer { organization { id name timeZone version createdAt updatedAt } } }')
    const version = viewer.data.viewer.organization.version
    t.equal(version, (await orgRow(owner.orgId)).version)
    const ok = await gql(owner.token, 'mutation($v: Int) { updateOrganization(input: { name: "Via GraphQL" }, expectedVersion: $v) { name timeZone version } }', { v: version })
    t.match(ok.data.updateOrganization, { name: 'Via GraphQL', version: version + 1 })
    const stale = await gql(owner.token, 'mutation($v: Int) { updateOrganization(input: { name: "Stale" }, expectedVersion: $v) { name } }', { v: version })
    t.equal(stale.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const bad = await gql(owner.token, 'mutation { updateOrganization(input: { timeZone: "Nowhere" }) { name } }')
    t.equal(bad.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.same(bad.errors[0].extensions.errors.map((e: any) => e.path), ['timeZone'])
    const manager = await addMember(h, owner, 'manager')
    const forbidden = await gql(manager.token, 'mutation { updateOrganization(input: { name: "No" }) { name } }')
    t.equal(forbidden.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    t.equal((await orgRow(owner.orgId)).name, 'Via GraphQL')
  })
})
