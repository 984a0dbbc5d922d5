import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, PASSWORD, signup } from '../factories.js'

t.test('members and invitations', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'team')
  const other = await signup(h, 'other')

  t.test('invite, accept once, then sign in to the organization', async (t) => {
    const brand = await createBrand(h, owner)
    const res = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email: 'Cleo@Example.com', role: 'client', brandIds: [brand.id] } })
    t.equal(res.statusCode, 201)
    const inv = json(res)
    t.match(inv, { email: 'cleo@example.com', role: 'client', status: 'invited', brandIds: [brand.id], userId: null })
    t.type(inv.invitationToken, 'string')
    const [row] = await h.sql('SELECT invitation_token_hash FROM memberships WHERE id = $1', [inv.id])
    t.not(row.invitation_token_hash, inv.invitationToken, 'stored hashed')
    t.notOk(JSON.stringify(json(await h.inject({ method: 'GET', url: `/v1/members/${inv.id}`, headers: bearer(owner.token) }))).includes(inv.invitationToken), 'shown once')

    const accepted = await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: inv.invitationToken, password: PASSWORD, name: 'Cleo' } })
    t.equal(accepted.statusCode, 200)
    t.match(json(accepted), { role: 'client', organization: { id: owner.orgId }, user: { email: 'cleo@example.com', name: 'Cleo' } })
    const again = await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: inv.invitationToken, password: PASSWORD, name: 'Cleo' } })
    t.equal(again.statusCode, 401, 'an invitation works once')
    t.equal((await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: 'forged', password: PASSWORD, name: 'X' } })).statusCode, 401)
    const member = json(await h.inject({ method: 'GET', url: `/v1/members/${inv.id}`, headers: bearer(owner.token) }))
    t.match(member, { status: 'active', name: 'Cleo' })
  })

  t.test('a person already in another agency accepts with their own password', async (t) => {
    const inv = json(await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email: other.email, role: 'analyst' } }))
    const wrong = await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: inv.invitationToken, password: 'not their password', name: 'X' } })
    t.equal(wrong.statusCode, 401)
    const ok = await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: inv.invitationToken, password: PASSWORD, name: 'X' } })
    t.equal(ok.statusCode, 200)
    const signIn = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: other.email, password: PASSWORD, organizationId: owner.orgId } })
    t.equal(signIn.statusCode, 200)
    t.match(json(signIn), { role: 'analyst', organization: { id: owner.orgId } })
  })

  t.test('duplicates, bad input, other tenants', async (t) => {
    const dup = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email: owner.email.toUpperCase(), role: 'admin' } })
    t.equal(dup.statusCode, 409)
    t.equal(json(dup).code, 'HERALD_DUPLICATE')
    for (const payload of [{ email: 'x@example.com', role: 'emperor' }, { email: 'nope', role: 'admin' }, { role: 'admin' }, { email: 'x@example.com', role: 'admin', brandIds: ['x'] }, { email: 'x@example.com', role: 'admin', extra: 1 }]) {
      t.equal((await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload })).statusCode, 400, JSON.stringify(payload))
    }
    const theirBrand = await createBrand(h, other)
    const cross = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email: 'y@example.com', role: 'client', brandIds: [theirBrand.id] } })
    t.equal(cross.statusCode, 404)
    t.equal(json(cross).errors[0].path, 'brandIds/0')
    const theirs = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(other.token) })).membershipId
    for (const [method, payload] of [['GET'], ['PATCH', { role: 'client' }], ['DELETE']] as const) {
      t.equal((await h.inject({ method, url: `/v1/members/${theirs}`, headers: bearer(owner.token), ...(payload ? { payload } : {}) })).statusCode, 404, method)
    }
  })

  t.test('roles: only owners and admins manage members; only owners touch owners; the last owner stays', async (t) => {
    const admin = await addMember(h, owner, 'admin')
    const manager = await addMember(h, owner, 'manager')
    const creator = await addMember(h, owner, 'creator')
    for (const s of [manager, creator]) {
      t.equal((await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(s.token), payload: { email: 'z@example.com', role: 'creator' } })).statusCode, 403)
      t.equal((await h.inject({ method: 'PATCH', url: `/v1/members/${creator.membershipId}`, headers: bearer(s.token), payload: { role: 'admin' } })).statusCode, 403)
    }
    t.equal((await h.inject({ method: 'GET', url: '/v1/members', headers: bearer(creator.token) })).statusCode, 200, 'creators may list the team')
    const promote = await h.inject({ method: 'PATCH', url: `/v1/members/${creator.membershipId}`, headers: bearer(admin.token), payload: { role: 'manager' } })
    t.equal(promote.statusCode, 200)
    t.equal(json(promote).role, 'manager')
    t.equal(json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(creator.token) })).role, 'manager', 'a role change applies at once')
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/members/${owner.membershipId}`, headers: bearer(admin.token), payload: { role: 'admin' } })).statusCode, 403, 'admins cannot demote owners')
    t.equal((await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(admin.token), payload: { email: 'own@example.com', role: 'owner' } })).statusCode, 403, 'admins cannot make owners')
    const last = await h.inject({ method: 'PATCH', url: `/v1/members/${owner.membershipId}`, headers: bearer(owner.token), payload: { role: 'admin' } })
    t.equal(last.statusCode, 409)
    t.equal(json(last).code, 'HERALD_LAST_OWNER')
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/members/${owner.membershipId}`, headers: bearer(owner.token) })).statusCode, 409)
    const key = await createApiKey(h, owner, ['members:read'])
    t.equal((await h.inject({ method: 'GET', url: '/v1/members', headers: bearer(key.secret) })).statusCode, 200)
    const byKey = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(key.secret), payload: { email: 'k@example.com', role: 'creator' } })
    t.equal(byKey.statusCode, 403)
    t.equal(json(byKey).code, 'HERALD_USER_REQUIRED')
    const stale = await h.inject({ method: 'PATCH', url: `/v1/members/${admin.membershipId}`, headers: { ...bearer(owner.token), 'if-match': '"99"' }, payload: { role: 'manager' } })
    t.equal(stale.statusCode, 412)
  })
})
