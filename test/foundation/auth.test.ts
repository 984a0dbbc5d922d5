import t from 'tap'
import { createSigner } from 'fast-jwt'
import { bearer, createTestApp, json, JWT_SECRET, unique } from '../helper.js'
import { addMember, createApiKey, PASSWORD, signup } from '../factories.js'

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

t.test('auth', async (t) => {
  const h = await createTestApp(t, { LOGIN_MAX_FAILURES: '3' })
  const owner = await signup(h, 'auth')

  t.test('signup returns tokens, user and organization; the password is stored as argon2id', async (t) => {
    const email = `${unique('new')}@Example.com`
    const res = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Northwind Social', name: 'Nia', email, password: PASSWORD } })
    t.equal(res.statusCode, 201)
    const body = json(res)
    t.match(body, { tokenType: 'Bearer', expiresIn: 900, role: 'owner', user: { email: email.toLowerCase(), name: 'Nia' }, organization: { name: 'Northwind Social' } })
    t.match(body.organization.slug, /^northwind-social-[a-z0-9]{6}$/)
    const [row] = await h.sql('SELECT password_hash FROM users WHERE id = $1', [body.user.id])
    t.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const dup = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'Again', name: 'Nia', email: email.toUpperCase(), password: PASSWORD } })
    t.equal(dup.statusCode, 409, 'emails are unique, case-insensitively')
    for (const payload of [
      { organizationName: 'X', name: 'Y', email: 'not-an-email', password: PASSWORD },
      { organizationName: 'X', name: 'Y', email: 'a@example.com', password: 'short' },
      { organizationName: 'X', name: 'Y', email: 'a@example.com', password: 'x'.repeat(1025) },
      { organizationName: 'X', email: 'a@example.com', password: PASSWORD },
      { organizationName: 'X', name: 'Y', email: 'a@example.com', password: PASSWORD, role: 'owner' }
    ]) {
      t.equal((await h.inject({ method: 'POST', url: '/v1/auth/signup', payload })).statusCode, 400, JSON.stringify(payload).slice(0, 80))
    }
  })

  t.test('password grant, /v1/me, and refresh rotation with reuse detection', async (t) => {
    const res = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: owner.email, password: PASSWORD } })
    t.equal(res.statusCode, 200)
    const tokens = json(res)
    const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(tokens.accessToken) }))
    t.match(me, { kind: 'user', role: 'owner', organization: { id: owner.orgId }, user: { email: owner.email }, apiKey: null, brandIds: null })
    t.ok(me.scopes.includes('brands:write'))

    const rotated = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'refresh_token', refreshToken: tokens.refreshToken } })
    t.equal(rotated.statusCode, 200)
    const next = json(rotated)
    t.not(next.refreshToken, tokens.refreshToken)

    const reuse = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'refresh_token', refreshToken: tokens.refreshToken } })
    t.equal(reuse.statusCode, 401, 'a used refresh token is refused')
    const family = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'refresh_token', refreshToken: next.refreshToken } })
    t.equal(family.statusCode, 401, 'and its whole family is revoked')

    const stored = await h.sql('SELECT token_hash FROM refresh_tokens')
    t.notOk(stored.some((r: any) => r.token_hash === tokens.refreshToken), 'refresh tokens are stored hashed')
    t.equal((await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'refresh_token', refreshToken: 'nope' } })).statusCode, 401)
    t.equal((await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'magic' } })).statusCode, 400)
  })

  t.test('wrong password and unknown email look the same; failures lock that email from that address only', async (t) => {
    const s = await signup(h, 'limited')
    const wrong = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: s.email, password: 'wrong password!' } })
    const unknown = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: 'nobody@example.com', password: 'wrong password!' } })
    t.equal(wrong.statusCode, 401)
    t.equal(unknown.statusCode, 401)
    t.equal(json(wrong).detail, json(unknown).detail)
    // Two more in a row from this address: the third (LOGIN_MAX_FAILURES) locks the pair.
    await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: s.email, password: 'wrong again!!' } })
    await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: s.email, password: 'and again!!!' } })
    const limited = await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'password', email: s.email, password: PASSWORD } })
    t.equal(limited.statusCode, 429, 'even the right password waits, from this address')
    t.ok(Number(limited.headers['retry-after']) > 0)
    t.equal(json(limited).code, 'HERALD_RATE_LIMITED')
    const otherIp = await h.inject({ method: 'POST', url: '/v1/auth/token', remoteAddress: '10.9.8.7', payload: { grantType: 'password', email: s.email, password: PASSWORD } })
    t.equal(otherIp.statusCode, 200, 'from another address the right password works (see login-limits.test.ts)')
  })

  t.test('missing, malformed, forged, expired and revoked credentials get 401', async (t) => {
    const claims = { sub: owner.userId, org: owner.orgId, mid: owner.membershipId, typ: 'access' }
    const now = Math.floor(Date.now() / 1000)
    const forged = {
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: 'herald', aud: 'herald-api', iat: now, exp: now + 600 })}.`,
      wrongKey: createSigner({ key: 'another-secret-another-secret-another-secret', iss: 'herald', aud: 'herald-api', expiresIn: 600_000 })(claims),
      wrongAudience: createSigner({ key: JWT_SECRET, iss: 'herald', aud: 'someone-else', expiresIn: 600_000 })(claims),
      wrongIssuer: createSigner({ key: JWT_SECRET, iss: 'evil', aud: 'herald-api', expiresIn: 600_000 })(claims),
      noExpiry: createSigner({ key: JWT_SECRET, iss: 'herald', aud: 'herald-api' })(claims),
      hs512: createSigner({ key: JWT_SECRET, algorithm: 'HS512', iss: 'herald', aud: 'herald-api', expiresIn: 600_000 })(claims),
      otherOrg: createSigner({ key: JWT_SECRET, iss: 'herald', aud: 'herald-api', expiresIn: 600_000 })({ ...claims, org: '00000000-0000-4000-8000-000000000000' }),
      garbage: 'not.a.token',
      badKey: 'hrld_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'
    }
    for (const [name, token] of Object.entries(forged)) {
      const res = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })
      t.equal(res.statusCode, 401, name)
      t.equal(json(res).code, 'HERALD_UNAUTHENTICATED', name)
    }
    const expired = createSigner({ key: JWT_SECRET, iss: 'herald', aud: 'herald-api' })({ ...claims, iat: now - 3600, exp: now - 60 })
    const res = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(expired) })
    t.equal(res.statusCode, 401)
    t.equal(json(res).code, 'HERALD_TOKEN_EXPIRED')
    t.equal((await h.inject({ method: 'GET', url: '/v1/me' })).statusCode, 401, 'no credentials')
    t.equal((await h.inject({ method: 'GET', url: `/v1/me?access_token=${owner.token}` })).statusCode, 401, 'tokens in the URL are ignored')
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Basic ${owner.token}` } })).statusCode, 401)

    const gone = await addMember(h, owner, 'creator')
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(gone.token) })).statusCode, 200)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/members/${gone.membershipId}`, headers: bearer(owner.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(gone.token) })).statusCode, 401, 'a removed member is refused at once')
    t.equal((await h.inject({ method: 'POST', url: '/v1/auth/token', payload: { grantType: 'refresh_token', refreshToken: gone.refreshToken } })).statusCode, 401)

    const key = await createApiKey(h, owner, ['brands:read'])
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(key.secret) })).statusCode, 200)
    const wrongSecret = key.secret.slice(0, -4) + (key.secret.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(wrongSecret) })).statusCode, 401, 'right prefix, wrong secret')
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: bearer(owner.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(key.secret) })).statusCode, 401, 'a revoked key is refused at once')
  })

  t.test('API key identity at /v1/me (the integrations\' auth test)', async (t) => {
    const key = await createApiKey(h, owner, ['brands:read', 'events:read'])
    const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(key.secret) }))
    t.match(me, { kind: 'api_key', user: null, role: null, apiKey: { id: key.id }, organization: { id: owner.orgId } })
    t.same(me.scopes.sort(), ['brands:read', 'events:read'])
  })

  t.test('sign-up can be switched off', async (t) => {
    const closed = await createTestApp(t, { ALLOW_SIGNUP: 'false' })
    const res = await closed.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: 'X', name: 'Y', email: 'y@example.com', password: PASSWORD } })
    t.equal(res.statusCode, 403)
    t.equal(json(res).code, 'HERALD_SIGNUP_DISABLED')
  })

  t.test('no response and no log line carries a password hash or a credential', async (t) => {
    const secrets = [PASSWORD, owner.refreshToken]
    const key = await createApiKey(h, owner, ['brands:read'])
    await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(key.secret) })
    await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(owner.token) })
    const logs = h.logs.join('\n')
    for (const s of [...secrets, key.secret, owner.token]) t.notOk(logs.includes(s), 'not in the logs')
    t.notOk(/hrld_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}/.test(logs), 'no API key pattern in the logs')
    t.notOk(/\$argon2id\$/.test(logs), 'no password hash in the logs')
    const bodies = h.bodies.join('\n')
    t.notOk(/\$argon2id\$|passwordHash|password_hash|secretHash|secret_hash|tokenHash|token_hash/i.test(bodies), 'no hash in any response')
    t.notOk(bodies.includes(PASSWORD), 'no password in any response')
  })
})
