import t from 'tap'
import { createSigner } from 'fast-jwt'
import { bearer, createTestApp, json, JWT_SECRET } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { atStep, comment, createGuestLink, CLIENT_ONLY, INTERNAL_ONLY, INTERNAL_THEN_CLIENT, submittedItem, usePolicy } from '../factories-review.js'

const NOPE = '00000000-0000-4000-8000-000000000000'
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString()

t.test('guest review links', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const brand = await createBrand(h, a)
  const other = await createBrand(h, a)
  await usePolicy(h, a, brand.id, CLIENT_ONLY)
  const manager = await addMember(h, a, 'manager')
  const creator = await addMember(h, a, 'creator')
  const analyst = await addMember(h, a, 'analyst')
  const client = await addMember(h, a, 'client', [brand.id])
  const otherManager = await addMember(h, a, 'manager', [other.id])

  t.test('create, list, revoke; the token is shown once; events', async (t) => {
    const { item, requestId } = await submittedItem(h, a, brand.id)
    const url = `/v1/approval-requests/${requestId}/guest-links`
    const expiresAt = inDays(7)
    const res = await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload: { email: 'Client.Contact@Example.com', expiresAt } })
    t.equal(res.statusCode, 201)
    const link = json(res)
    t.match(link, { requestId, email: 'client.contact@example.com', status: 'active', revokedAt: null, lastUsedAt: null, createdBy: { type: 'member', id: manager.membershipId } })
    t.equal(link.expiresAt, new Date(Math.floor(Date.parse(expiresAt) / 1000) * 1000).toISOString(), 'kept in whole seconds')
    t.match(link.token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers.location, `${url}/${link.id}`)
    const claims = JSON.parse(Buffer.from(link.token.split('.')[1], 'base64url').toString())
    t.match(claims, { jti: link.id, org: a.orgId, req: requestId, typ: 'guest', aud: 'herald-guest-review', iss: 'herald' })
    t.equal(claims.exp * 1000, Date.parse(link.expiresAt), 'the token expires with the link')
    const access = JSON.parse(Buffer.from(manager.token.split('.')[1], 'base64url').toString())
    t.equal(access.exp - access.iat, h.config.accessTtlSeconds, 'and an access token after its TTL in seconds (the same unit)')

    const list = json(await h.inject({ method: 'GET', url, headers: bearer(manager.token) }))
    t.same(list.data.map((l: any) => l.id), [link.id])
    t.notOk('token' in list.data[0], 'never listed with its token')
    const [row] = await h.sql('SELECT * FROM approval_guest_links WHERE id = $1', [link.id])
    t.notOk(JSON.stringify(row).includes(link.token.split('.')[2]), 'the token is not stored')

    t.equal((await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })).statusCode, 200)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${link.id}`, headers: bearer(manager.token) })).statusCode, 204)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${link.id}`, headers: bearer(manager.token) })).statusCode, 204, 'revoking twice is fine')
    const revoked = json(await h.inject({ method: 'GET', url, headers: bearer(manager.token) })).data[0]
    t.match(revoked, { status: 'revoked' })
    t.ok(revoked.revokedAt)
    const gone = await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })
    t.equal(gone.statusCode, 401, 'a revoked link stops at once')
    t.equal(json(gone).code, 'HERALD_UNAUTHENTICATED')

    const events = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${link.id}`, headers: bearer(a.token) })).data
    t.same(events.map((e: any) => e.type), ['guest_link.revoked', 'guest_link.created'], 'one revoked event however often it is revoked')
    t.ok(events.every((e: any) => e.brandId === brand.id && e.data.requestId === requestId && e.data.contentItemId === item.id))
    t.notOk(JSON.stringify(events).includes(link.token), 'events never carry the token')

    const key = await createApiKey(h, a, ['approvals:read', 'approvals:write'])
    const byKey = await h.inject({ method: 'POST', url, headers: bearer(key.secret), payload: { expiresAt: inDays(1) } })
    t.equal(byKey.statusCode, 201, 'an API key with approvals:write may send a review link')
    t.match(json(byKey), { email: null, createdBy: { type: 'api_key', id: key.id } })
  })

  t.test('which requests may have links, and how long they live', async (t) => {
    const { requestId } = await submittedItem(h, a, brand.id)
    const url = `/v1/approval-requests/${requestId}/guest-links`
    for (const [payload, path] of [
      [{ expiresAt: new Date(Date.now() - 60_000).toISOString() }, 'expiresAt'],
      [{ expiresAt: inDays(31) }, 'expiresAt'],
      [{ expiresAt: 'tomorrow' }, 'expiresAt'],
      [{}, 'expiresAt'],
      [{ expiresAt: 1234567890 }, 'expiresAt'],
      [{ expiresAt: inDays(1), email: 'not-an-email' }, 'email'],
      [{ expiresAt: inDays(1), email: `${'x'.repeat(250)}@example.com` }, 'email'],
      [{ expiresAt: inDays(1), token: 'mine' }, 'token'],
      [{ expiresAt: inDays(1), requestId: NOPE }, 'requestId']
    ] as const) {
      const res = await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}`)
    }
    t.equal((await h.inject({ method: 'POST', url, headers: { ...bearer(manager.token), 'content-type': 'application/json' }, payload: JSON.stringify({ expiresAt: inDays(1), email: 'x'.repeat(1024 * 1024) }) })).statusCode, 413)
    t.equal((await h.inject({ method: 'POST', url: '/v1/approval-requests/nope/guest-links', headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })).statusCode, 400)
    t.equal((await h.inject({ method: 'POST', url: `/v1/approval-requests/${NOPE}/guest-links`, headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `/v1/approval-requests/${NOPE}/guest-links`, headers: bearer(manager.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${NOPE}`, headers: bearer(manager.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/nope`, headers: bearer(manager.token) })).statusCode, 400)

    // A request that is no longer open.
    await h.sql("UPDATE approval_requests SET status = 'approved', closed_at = now() WHERE id = $1", [requestId])
    const closed = await h.inject({ method: 'POST', url, headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })
    t.equal(closed.statusCode, 422)
    t.match(json(closed), { code: 'HERALD_UNPROCESSABLE', currentStatus: 'approved' })

    // No client step left: an internal-only policy, or past the client step.
    const internalBrand = await createBrand(h, a)
    await usePolicy(h, a, internalBrand.id, INTERNAL_ONLY)
    const internal = await submittedItem(h, a, internalBrand.id, INTERNAL_ONLY)
    t.equal((await h.inject({ method: 'POST', url: `/v1/approval-requests/${internal.requestId}/guest-links`, headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })).statusCode, 422)
    const twoStepBrand = await createBrand(h, a)
    await usePolicy(h, a, twoStepBrand.id, INTERNAL_THEN_CLIENT)
    const twoStep = await submittedItem(h, a, twoStepBrand.id, INTERNAL_THEN_CLIENT)
    t.equal((await h.inject({ method: 'POST', url: `/v1/approval-requests/${twoStep.requestId}/guest-links`, headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })).statusCode, 201,
      'a client step later on is enough: the link can be sent ahead')

    // At most 20 active links.
    const busy = await submittedItem(h, a, brand.id)
    for (let i = 0; i < 20; i++) await createGuestLink(h, manager, busy.requestId)
    const tooMany = await h.inject({ method: 'POST', url: `/v1/approval-requests/${busy.requestId}/guest-links`, headers: bearer(manager.token), payload: { expiresAt: inDays(1) } })
    t.equal(tooMany.statusCode, 422)
  })

  t.test('only approvals:write manages links, within its brands and organization', async (t) => {
    const { requestId } = await submittedItem(h, a, brand.id)
    const url = `/v1/approval-requests/${requestId}/guest-links`
    const link = await createGuestLink(h, manager, requestId)
    for (const s of [creator, analyst, client]) {
      for (const [method, u] of [['POST', url], ['GET', url], ['DELETE', `${url}/${link.id}`]] as const) {
        const res = await h.inject({ method, url: u, headers: bearer(s.token), ...(method === 'POST' ? { payload: { expiresAt: inDays(1) } } : {}) })
        t.equal(res.statusCode, 403, `${method} ${s.email}`)
      }
    }
    const reader = await createApiKey(h, a, ['approvals:read'])
    const refused = await h.inject({ method: 'POST', url, headers: bearer(reader.secret), payload: { expiresAt: inDays(1) } })
    t.equal(refused.statusCode, 403)
    t.equal(json(refused).missingScope, 'approvals:write')
    t.equal((await h.inject({ method: 'POST', url, headers: bearer(otherManager.token), payload: { expiresAt: inDays(1) } })).statusCode, 404, 'a manager of another brand')
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${link.id}`, headers: bearer(otherManager.token) })).statusCode, 404)
    for (const [method, u] of [['POST', url], ['GET', url], ['DELETE', `${url}/${link.id}`]] as const) {
      const res = await h.inject({ method, url: u, headers: bearer(b.token), ...(method === 'POST' ? { payload: { expiresAt: inDays(1) } } : {}) })
      t.equal(res.statusCode, 404, `another organization: ${method}`)
    }
    // Another request's link under this request's path.
    const second = await submittedItem(h, a, brand.id)
    const foreignLink = await createGuestLink(h, manager, second.requestId)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${foreignLink.id}`, headers: bearer(manager.token) })).statusCode, 404)
    const [row] = await h.sql('SELECT revoked_at FROM approval_guest_links WHERE id = $1', [foreignLink.id])
    t.equal(row.revoked_at, null, 'and nothing changed')
  })

  t.test('Idempotency-Key: one link, and its token is never stored for a replay', async (t) => {
    const { requestId } = await submittedItem(h, a, brand.id)
    const expiresAt = inDays(3)
    const send = () => h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/guest-links`, headers: { ...bearer(manager.token), 'idempotency-key': 'link-1' }, payload: { expiresAt } })
    const [first, again] = [await send(), await send()]
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 409, 'the token was shown once: a replay cannot show it again')
    t.match(json(again), { code: 'HERALD_CONFLICT', reason: 'secret_not_replayable' })
    t.equal(again.headers.location, first.headers.location, 'it points at the link the first request created')
    t.equal(again.headers['idempotent-replayed'], 'true')
    const stored = await h.sql('SELECT response_body::text AS body, response_headers::text AS headers FROM idempotency_keys WHERE key = $1', ['link-1'])
    t.notOk(JSON.stringify(stored).includes(json(first).token), 'the token is not in the idempotency store')
    const [row] = await h.sql('SELECT count(*)::int AS n FROM approval_guest_links WHERE request_id = $1', [requestId])
    t.equal(row.n, 1)
  })

  t.test('a guest token opens the guest routes and nothing else', async (t) => {
    const { item, requestId } = await submittedItem(h, a, brand.id)
    const link = await createGuestLink(h, manager, requestId)
    const key = await createApiKey(h, a, ['content:read', 'approvals:read'])
    const refusedOn: Array<[string, string, object?]> = [
      ['GET', '/v1/me'],
      ['GET', `/v1/content-items/${item.id}`],
      ['GET', '/v1/content-items'],
      ['GET', `/v1/content-items/${item.id}/comments`],
      ['POST', `/v1/content-items/${item.id}/comments`, { body: 'x', visibility: 'shared' }],
      ['GET', `/v1/content-items/${item.id}/timeline`],
      ['GET', `/v1/approval-requests/${requestId}/guest-links`],
      ['POST', `/v1/approval-requests/${requestId}/guest-links`, { expiresAt: inDays(1) }],
      ['GET', `/v1/brands/${brand.id}`],
      ['GET', '/v1/events'],
      ['POST', '/graphql', { query: '{ viewer { kind } }' }],
      ['POST', '/graphql', { query: `{ contentItem(id: "${item.id}") { body } }` }]
    ]
    for (const [method, url, payload] of refusedOn) {
      const res = await h.inject({ method: method as any, url, headers: bearer(link.token), ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 401, `${method} ${url}`)
    }
    const gql = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(link.token), payload: { query: '{ viewer { kind } }' } })
    t.equal(json(gql).errors[0].extensions.code, 'HERALD_UNAUTHENTICATED')
    // And the other way round: only a guest token opens the guest routes.
    for (const token of [a.token, client.token, key.secret, 'hrld_AAAAAAAAAAAA_' + 'A'.repeat(40)]) {
      for (const [method, url, payload] of [['GET', '/v1/guest/review'], ['POST', '/v1/guest/review/comments', { body: 'hi' }]] as const) {
        const res = await h.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) })
        t.equal(res.statusCode, 401, `${method} ${url} with ${token.slice(0, 5)}`)
        t.equal(json(res).code, 'HERALD_UNAUTHENTICATED')
      }
    }
    t.equal((await h.inject({ method: 'GET', url: '/v1/guest/review' })).statusCode, 401, 'no credential')
    t.equal((await h.inject({ method: 'GET', url: `/v1/guest/review?token=${link.token}` })).statusCode, 401, 'never from the query string')
  })

  t.test('expired, revoked and tampered tokens get 401', async (t) => {
    const { requestId } = await submittedItem(h, a, brand.id)
    const link = await createGuestLink(h, manager, requestId)
    const review = (token: string) => h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(token) })
    t.equal((await review(link.token)).statusCode, 200)
    const now = Math.floor(Date.now() / 1000)
    const claims = { jti: link.id, org: a.orgId, req: requestId, typ: 'guest' }
    const sign = (opts: Record<string, unknown>, payload: Record<string, unknown> = claims) =>
      createSigner({ key: JWT_SECRET, algorithm: 'HS256', iss: 'herald', aud: 'herald-guest-review', expiresIn: 600_000, ...opts } as any)(payload)
    t.equal((await review(sign({}))).statusCode, 200, 'a token signed like ours works (the baseline of the cases below)')

    const expiredJwt = await review(sign({ expiresIn: undefined }, { ...claims, iat: now - 7200, exp: now - 3600 }))
    t.equal(expiredJwt.statusCode, 401)
    t.equal(json(expiredJwt).code, 'HERALD_TOKEN_EXPIRED')
    const [sig0, sig1, sig2] = link.token.split('.')
    // A middle character: the last one of a 32-byte signature also carries padding bits.
    const flipped = sig2.slice(0, 10) + (sig2[10] === 'A' ? 'B' : 'A') + sig2.slice(11)
    const forged: Record<string, string> = {
      flippedSignature: `${sig0}.${sig1}.${flipped}`,
      otherPayload: `${sig0}.${b64({ ...JSON.parse(Buffer.from(sig1, 'base64url').toString()), req: NOPE })}.${sig2}`,
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: 'herald', aud: 'herald-guest-review', iat: now, exp: now + 600 })}.`,
      wrongKey: createSigner({ key: 'another-secret-0123456789-abcdefghijklmnopqrstuv', algorithm: 'HS256', iss: 'herald', aud: 'herald-guest-review', expiresIn: 600_000 })(claims),
      hs512: createSigner({ key: JWT_SECRET, algorithm: 'HS512', iss: 'herald', aud: 'herald-guest-review', expiresIn: 600_000 })(claims),
      accessAudience: sign({ aud: 'herald-api' }),
      wrongIssuer: sign({ iss: 'someone' }),
      accessType: sign({}, { ...claims, typ: 'access' }),
      noRequest: sign({}, { jti: link.id, org: a.orgId, typ: 'guest' }),
      unknownLink: sign({}, { ...claims, jti: NOPE }),
      otherRequest: sign({}, { ...claims, req: (await submittedItem(h, a, brand.id)).requestId }),
      otherOrg: sign({}, { ...claims, org: b.orgId }),
      garbage: 'not.a.token'
    }
    for (const [name, token] of Object.entries(forged)) {
      const res = await review(token)
      t.equal(res.statusCode, 401, name)
      t.equal(json(res).code, 'HERALD_UNAUTHENTICATED', name)
    }

    await h.sql("UPDATE approval_guest_links SET expires_at = now() - interval '1 second' WHERE id = $1", [link.id])
    const expiredRow = await review(link.token)
    t.equal(expiredRow.statusCode, 401, 'the link row\'s expiry counts even while the JWT is valid')
    t.equal(json(expiredRow).code, 'HERALD_TOKEN_EXPIRED')
    const list = json(await h.inject({ method: 'GET', url: `/v1/approval-requests/${requestId}/guest-links`, headers: bearer(manager.token) })).data
    t.equal(list.find((l: any) => l.id === link.id).status, 'expired')

    const revoked = await createGuestLink(h, manager, requestId)
    await h.inject({ method: 'DELETE', url: `/v1/approval-requests/${requestId}/guest-links/${revoked.id}`, headers: bearer(manager.token) })
    t.equal((await review(revoked.token)).statusCode, 401)
    const deleted = await createGuestLink(h, manager, requestId)
    await h.sql('DELETE FROM approval_guest_links WHERE id = $1', [deleted.id])
    t.equal((await review(deleted.token)).statusCode, 401, 'a link that no longer exists')
  })

  t.test('the review: the content as submitted, shared comments only, audited with the guest\'s email', async (t) => {
    const { item, requestId } = await submittedItem(h, a, brand.id, CLIENT_ONLY, { body: 'As submitted', hashtags: ['spring'] })
    const link = await createGuestLink(h, manager, requestId, { email: 'ana@client.example' })
    const internal = await comment(h, manager, item.id, { body: 'Internal: check the price', visibility: 'internal' })
    const shared = await comment(h, manager, item.id, { body: 'Over to you!', visibility: 'shared' })
    // Edited after submission: the guest still sees what was submitted, and that it changed.
    const patched = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { body: 'Edited later' } })
    t.equal(patched.statusCode, 200)

    const res = await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    const view = json(res)
    t.match(view, {
      link: { id: link.id, email: 'ana@client.example' },
      request: { id: requestId, revision: item.revision, currentStep: 0, steps: [{ name: 'Client approval', mode: 'any', clientStep: true }] },
      contentItem: { id: item.id, currentRevision: item.revision + 1, submitted: { body: 'As submitted', hashtags: ['spring'], kind: 'post' } }
    })
    t.equal(view.contentItem.submitted.targets.length, 1)
    t.match(view.contentItem.submitted.targets[0], { platform: 'x', handle: String })
    t.same(view.comments.map((c: any) => c.id), [shared.id])
    t.match(view.comments[0].author, { type: 'member', id: manager.membershipId, label: null }, 'the agency\'s people are not named to a guest')
    t.notOk(JSON.stringify(view).includes(internal.body), 'nothing internal anywhere in the page')
    t.ok(view.timeline.some((e: any) => e.type === 'comment' && e.data.commentId === shared.id))
    t.notOk(view.timeline.some((e: any) => e.id === internal.id))
    t.equal((await h.inject({ method: 'GET', url: '/v1/guest/review?itemId=x', headers: bearer(link.token) })).statusCode, 400, 'query strings are strict')

    const posted = await h.inject({ method: 'POST', url: '/v1/guest/review/comments', headers: bearer(link.token), payload: { body: 'Could the first line mention the roastery?' } })
    t.equal(posted.statusCode, 201)
    const guestComment = json(posted)
    t.match(guestComment, { contentItemId: item.id, visibility: 'shared', mentions: [], author: { type: 'guest', id: link.id, label: 'ana@client.example' }, revision: item.revision + 1 })
    const teamSees = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/comments`, headers: bearer(client.token) })).data
    t.ok(teamSees.some((c: any) => c.id === guestComment.id), 'the client and the team see the guest\'s comment')
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}/comments/${guestComment.id}`, headers: bearer(a.token), payload: { body: 'x' } })).statusCode, 403, 'nobody else edits it')

    for (const [payload, path] of [[{}, 'body'], [{ body: '' }, 'body'], [{ body: 7 }, 'body'], [{ body: 'x'.repeat(10_001) }, 'body'], [{ body: 'x', visibility: 'internal' }, 'visibility'], [{ body: 'x', mentions: [manager.membershipId] }, 'mentions']] as const) {
      const bad = await h.inject({ method: 'POST', url: '/v1/guest/review/comments', headers: bearer(link.token), payload })
      t.equal(bad.statusCode, 400, JSON.stringify(payload).slice(0, 60))
      t.ok(json(bad).errors.some((e: any) => e.path === path))
    }
    t.equal((await h.inject({ method: 'POST', url: '/v1/guest/review/comments', headers: { ...bearer(link.token), 'content-type': 'application/json' }, payload: JSON.stringify({ body: 'x'.repeat(1024 * 1024) }) })).statusCode, 413)

    const replay = () => h.inject({ method: 'POST', url: '/v1/guest/review/comments', headers: { ...bearer(link.token), 'idempotency-key': 'guest-c-1' }, payload: { body: 'once' } })
    const [r1, r2] = [await replay(), await replay()]
    t.equal(r2.headers['idempotent-replayed'], 'true')
    t.equal(json(r2).id, json(r1).id)

    // The audit log shows the guest, by email.
    const audit = json(await h.inject({ method: 'GET', url: `/v1/audit-events?subjectId=${guestComment.id}`, headers: bearer(a.token) })).data
    t.match(audit, [{ action: 'comment.created', actor: { type: 'guest', id: link.id, label: 'ana@client.example' }, brandId: brand.id }])
    const views = json(await h.inject({ method: 'GET', url: `/v1/audit-events?subjectId=${requestId}&type=guest_review.viewed`, headers: bearer(a.token) })).data
    t.equal(views.length, 1, 'a view is audited, once per ten minutes')
    t.match(views[0], { actor: { type: 'guest', id: link.id, label: 'ana@client.example' }, data: { linkId: link.id, revision: item.revision } })
    await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) })
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/audit-events?subjectId=${requestId}&type=guest_review.viewed`, headers: bearer(a.token) })).data.length, 1)
    const [used] = await h.sql('SELECT last_used_at FROM approval_guest_links WHERE id = $1', [link.id])
    t.ok(used.last_used_at, 'lastUsedAt is recorded')
  })

  t.test('canDecide follows the request: a client step, open, not yet decided by this link', async (t) => {
    const twoStepBrand = await createBrand(h, a)
    await usePolicy(h, a, twoStepBrand.id, INTERNAL_THEN_CLIENT)
    const { requestId } = await submittedItem(h, a, twoStepBrand.id, INTERNAL_THEN_CLIENT)
    const link = await createGuestLink(h, manager, requestId)
    const view = async () => json(await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) }))
    const first = await view()
    t.equal(first.request.canDecide, false, 'the internal step comes first')
    t.same(first.request.steps.map((s: any) => s.clientStep), [false, true])
    await h.sql(`INSERT INTO approval_decisions (organization_id, request_id, step, decision, comment, actor_type, actor_id, actor_label)
                 VALUES ($1, $2, 0, 'approve', 'internal reasoning', 'member', $3, $4)`, [a.orgId, requestId, manager.membershipId, manager.email])
    await atStep(h, requestId, 1)
    const second = await view()
    t.equal(second.request.canDecide, true)
    t.match(second.request.decisions, [{ step: 0, stepName: 'Internal review', decision: 'approve', comment: null, actor: { type: 'member' } }])
    t.notOk(JSON.stringify(second).includes('internal reasoning'), 'an internal step\'s decision comment stays internal')
    await h.sql(`INSERT INTO approval_decisions (organization_id, request_id, step, decision, comment, actor_type, actor_id, actor_label)
                 VALUES ($1, $2, 1, 'approve', 'Lovely', 'guest', $3, 'client.contact@example.com')`, [a.orgId, requestId, link.id])
    const third = await view()
    t.equal(third.request.canDecide, false, 'decided already')
    t.match(third.request.decisions[1], { comment: 'Lovely', actor: { type: 'guest', label: 'client.contact@example.com' } })
    t.equal(third.request.decisions[0].actor.label, null)
  })
})
