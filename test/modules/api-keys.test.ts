import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'

t.test('API keys', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'keys')
  const other = await signup(h, 'keys-other')

  t.test('the secret is shown once, stored hashed, and lastUsedAt moves', async (t) => {
    const res = await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(owner.token), payload: { name: 'Zapier', scopes: ['brands:read'] } })
    t.equal(res.statusCode, 201)
    const key = json(res)
    t.match(key.secret, /^hrld_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$/)
    t.equal(key.secret.split('_')[1], key.prefix)
    t.equal(key.lastUsedAt, null)
    const [row] = await h.sql('SELECT * FROM api_keys WHERE id = $1', [key.id])
    t.notOk(Object.values(row).some((v) => v === key.secret || v === key.secret.split('_')[2]), 'no column holds the key')
    await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(key.secret) })
    const listed = json(await h.inject({ method: 'GET', url: '/v1/api-keys', headers: bearer(owner.token) })).data.find((k: any) => k.id === key.id)
    t.ok(listed.lastUsedAt, 'lastUsedAt is set after use')
    t.notOk('secret' in listed)
    t.notOk(JSON.stringify(json(await h.inject({ method: 'GET', url: `/v1/api-keys/${key.id}`, headers: bearer(owner.token) }))).includes(key.secret))
  })

  t.test('who may create keys, and what a key may hold', async (t) => {
    const manager = await addMember(h, owner, 'manager')
    t.equal((await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(manager.token), payload: { name: 'x', scopes: ['brands:read'] } })).statusCode, 403)
    const key = await createApiKey(h, owner, ['brands:read'])
    const byKey = await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(key.secret), payload: { name: 'x', scopes: ['brands:read'] } })
    t.equal(byKey.statusCode, 403)
    t.equal(json(byKey).code, 'HERALD_USER_REQUIRED', 'keys cannot mint keys')
    for (const payload of [{ name: 'x', scopes: [] }, { name: 'x', scopes: ['root'] }, { name: 'x' }, { name: 'x', scopes: ['brands:read', 'brands:read'] }, { name: '', scopes: ['brands:read'] }]) {
      t.equal((await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(owner.token), payload })).statusCode, 400, JSON.stringify(payload))
    }
    const theirBrand = await createBrand(h, other)
    t.equal((await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(owner.token), payload: { name: 'x', scopes: ['brands:read'], brandIds: [theirBrand.id] } })).statusCode, 404)
    const theirKey = await createApiKey(h, other, ['brands:read'])
    t.equal((await h.inject({ method: 'GET', url: `/v1/api-keys/${theirKey.id}`, headers: bearer(owner.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/api-keys/${theirKey.id}`, headers: bearer(owner.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(theirKey.secret) })).statusCode, 200, 'their key still works')
  })

  t.test('revoked keys are listed with revokedAt and filterable', async (t) => {
    const key = await createApiKey(h, owner, ['events:read'])
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: bearer(owner.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: bearer(owner.token) })).statusCode, 204, 'revoking twice is harmless')
    const revoked = json(await h.inject({ method: 'GET', url: '/v1/api-keys?revoked=true', headers: bearer(owner.token) })).data
    t.ok(revoked.some((k: any) => k.id === key.id && k.revokedAt))
    const active = json(await h.inject({ method: 'GET', url: '/v1/api-keys?revoked=false', headers: bearer(owner.token) })).data
    t.notOk(active.some((k: any) => k.id === key.id))
  })
})
