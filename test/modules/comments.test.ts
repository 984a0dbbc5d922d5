import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createItem, socialAccount } from '../factories-content.js'
import { comment } from '../factories-review.js'

const NOPE = '00000000-0000-4000-8000-000000000000'

t.test('comments', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const brand = await createBrand(h, a)
  const other = await createBrand(h, a)
  const manager = await addMember(h, a, 'manager')
  const creator = await addMember(h, a, 'creator')
  const analyst = await addMember(h, a, 'analyst')
  const client = await addMember(h, a, 'client', [brand.id])
  const account = await socialAccount(h, a.orgId, brand.id)
  const item = await createItem(h, a, { brandId: brand.id, targets: [{ socialAccountId: account }] })
  const url = `/v1/content-items/${item.id}/comments`

  t.test('create, read, list, edit, delete; ETags, If-Match and events', async (t) => {
    const res = await h.inject({ method: 'POST', url, headers: bearer(creator.token), payload: { body: '  First draft is up  ', visibility: 'internal', mentions: [manager.membershipId] } })
    t.equal(res.statusCode, 201)
    const c = json(res)
    t.match(c, { contentItemId: item.id, body: 'First draft is up', visibility: 'internal', mentions: [manager.membershipId], author: { type: 'member', id: creator.membershipId, label: creator.email }, revision: 1, editedAt: null, version: 1 })
    t.equal(res.headers.etag, '"1"')
    t.equal(res.headers.location, `${url}/${c.id}`)

    const got = await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(manager.token) })
    t.equal(got.statusCode, 200)
    t.same(json(got), c)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: { ...bearer(manager.token), 'if-none-match': '"1"' } })).statusCode, 304)

    const stale = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(creator.token), 'if-match': '"7"' }, payload: { body: 'Stale' } })
    t.equal(stale.statusCode, 412)
    t.match(json(stale), { code: 'HERALD_PRECONDITION_FAILED', currentVersion: 1 })
    const edited = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(creator.token), 'if-match': '"1"' }, payload: { body: 'First draft is up, take a look', mentions: [] } })
    t.equal(edited.statusCode, 200)
    t.match(json(edited), { body: 'First draft is up, take a look', mentions: [], version: 2 })
    t.ok(json(edited).editedAt, 'editedAt is set')
    t.equal(edited.headers.etag, '"2"')
    const same = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(creator.token), payload: { body: 'First draft is up, take a look' } })
    t.equal(json(same).version, 2, 'a patch that changes nothing changes nothing')

    const list = json(await h.inject({ method: 'GET', url, headers: bearer(a.token) }))
    t.same(list.data.map((x: any) => x.id), [c.id])

    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${c.id}`, headers: { ...bearer(creator.token), 'if-match': '"1"' } })).statusCode, 412)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${c.id}`, headers: { ...bearer(creator.token), 'if-match': '"2"' } })).statusCode, 204)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${c.id}`, headers: bearer(a.token) })).statusCode, 404)

    const events = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${c.id}`, headers: bearer(a.token) })).data
    t.same(events.map((e: any) => e.type), ['comment.deleted', 'comment.updated', 'comment.created'])
    t.ok(events.every((e: any) => e.brandId === brand.id && e.subjectType === 'comment' && e.data.contentItemId === item.id))
    t.same(events[1].data.changed, ['body', 'mentions'])
  })

  t.test('a comment records the revision it was written on', async (t) => {
    const fresh = await createItem(h, a, { brandId: brand.id })
    const first = await comment(h, a, fresh.id, { body: 'on revision 1', visibility: 'shared' })
    const patched = await h.inject({ method: 'PATCH', url: `/v1/content-items/${fresh.id}`, headers: bearer(a.token), payload: { body: 'new text' } })
    t.equal(json(patched).revision, 2)
    const second = await comment(h, a, fresh.id, { body: 'on revision 2', visibility: 'shared' })
    t.equal(first.revision, 1)
    t.equal(second.revision, 2)
  })

  t.test('clients never see internal comments, and write only shared ones', async (t) => {
    const internal = await comment(h, manager, item.id, { body: 'Legal wants the price removed', visibility: 'internal' })
    const shared = await comment(h, manager, item.id, { body: 'Ready for you to look at', visibility: 'shared' })
    const seen = json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(client.token) })).data.map((x: any) => x.id)
    t.ok(seen.includes(shared.id))
    t.notOk(seen.includes(internal.id), 'not in the list')
    t.same(json(await h.inject({ method: 'GET', url: `${url}?visibility=internal`, headers: bearer(client.token) })).data, [], 'not even when asked for')
    t.equal((await h.inject({ method: 'GET', url: `${url}/${internal.id}`, headers: bearer(client.token) })).statusCode, 404, 'not by id')
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${internal.id}`, headers: bearer(client.token), payload: { body: 'x' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${internal.id}`, headers: bearer(client.token) })).statusCode, 404)
    t.ok(json(await h.inject({ method: 'GET', url: `${url}?limit=200`, headers: bearer(analyst.token) })).data.some((x: any) => x.id === internal.id), 'the team sees it')
    // Who wrote it: a client (no members:read) sees the author's type and id, not their email.
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${shared.id}`, headers: bearer(client.token) })).author, { type: 'member', id: manager.membershipId, label: null })
    t.match(json(await h.inject({ method: 'GET', url: `${url}/${shared.id}`, headers: bearer(creator.token) })).author, { label: manager.email })

    const refused = await h.inject({ method: 'POST', url, headers: bearer(client.token), payload: { body: 'psst', visibility: 'internal' } })
    t.equal(refused.statusCode, 403)
    t.match(json(refused), { code: 'HERALD_FORBIDDEN', errors: [{ path: 'visibility' }] })
    const mine = await comment(h, client, item.id, { body: 'Looks great!', visibility: 'shared' })
    t.match(mine, { author: { type: 'member', id: client.membershipId, label: client.email }, visibility: 'shared' })
    const flip = await h.inject({ method: 'PATCH', url: `${url}/${mine.id}`, headers: bearer(client.token), payload: { visibility: 'internal' } })
    t.equal(flip.statusCode, 403, 'nor turn one internal')
    t.equal(json(await h.inject({ method: 'GET', url: `${url}/${mine.id}`, headers: bearer(a.token) })).visibility, 'shared')
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${mine.id}`, headers: bearer(client.token), payload: { body: 'Looks great! Ship it' } })).statusCode, 200)
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${mine.id}`, headers: bearer(client.token) })).statusCode, 204, 'a client deletes their own')
  })

  t.test('who may write, edit and delete', async (t) => {
    const analystTry = await h.inject({ method: 'POST', url, headers: bearer(analyst.token), payload: { body: 'numbers say no', visibility: 'internal' } })
    t.equal(analystTry.statusCode, 403)
    t.equal(json(analystTry).code, 'HERALD_FORBIDDEN')

    const reader = await createApiKey(h, a, ['content:read'])
    const readOnly = await h.inject({ method: 'POST', url, headers: bearer(reader.secret), payload: { body: 'bot', visibility: 'internal' } })
    t.equal(readOnly.statusCode, 403)
    t.equal(json(readOnly).missingScope, 'content:write')
    t.equal((await h.inject({ method: 'GET', url, headers: bearer(reader.secret) })).statusCode, 200, 'but it reads')
    const noRead = await createApiKey(h, a, ['brands:read'])
    const blind = await h.inject({ method: 'GET', url, headers: bearer(noRead.secret) })
    t.equal(blind.statusCode, 403)
    t.equal(json(blind).missingScope, 'content:read')

    const writer = await createApiKey(h, a, ['content:read', 'content:write'])
    const [keyRow] = await h.sql('SELECT name FROM api_keys WHERE id = $1', [writer.id])
    const bot = await comment(h, writer.secret, item.id, { body: 'Relayed from Slack', visibility: 'internal' })
    t.match(bot.author, { type: 'api_key', id: writer.id, label: keyRow.name })

    const byCreator = await comment(h, creator, item.id, { body: 'mine', visibility: 'internal' })
    const otherEdit = await h.inject({ method: 'PATCH', url: `${url}/${byCreator.id}`, headers: bearer(a.token), payload: { body: 'the owner rewrites it' } })
    t.equal(otherEdit.statusCode, 403, 'nobody edits someone else\'s comment, not even an owner')
    t.equal(json(await h.inject({ method: 'GET', url: `${url}/${byCreator.id}`, headers: bearer(a.token) })).body, 'mine')
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${bot.id}`, headers: bearer(creator.token), payload: { body: 'x' } })).statusCode, 403)
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${bot.id}`, headers: bearer(writer.secret), payload: { body: 'Relayed from Slack (edited)' } })).statusCode, 200, 'the key edits its own')

    const byManager = await comment(h, manager, item.id, { body: 'manager note', visibility: 'internal' })
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${byManager.id}`, headers: bearer(creator.token) })).statusCode, 403, 'a creator deletes only their own')
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${bot.id}`, headers: bearer(reader.secret) })).statusCode, 403, 'a key is no moderator')
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${byCreator.id}`, headers: bearer(manager.token) })).statusCode, 204, 'a manager moderates')
    t.equal((await h.inject({ method: 'DELETE', url: `${url}/${byManager.id}`, headers: bearer(a.token) })).statusCode, 204, 'so does an owner')
    const [gone] = await h.sql('SELECT count(*)::int AS n FROM content_comments WHERE id = ANY($1)', [[byCreator.id, byManager.id]])
    t.equal(gone.n, 0)
  })

  t.test('mentions: members of the organization who can read the comment', async (t) => {
    const limited = await addMember(h, a, 'creator', [other.id])
    const inv = json(await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(a.token), payload: { email: 'pending@example.com', role: 'manager' } }))
    const foreign = await addMember(h, b, 'manager')
    const cases: Array<[string[], string, number, string]> = [
      [[NOPE], 'internal', 404, 'mentions/0'],
      [[manager.membershipId, foreign.membershipId], 'internal', 404, 'mentions/1'],
      [[inv.id], 'internal', 422, 'mentions/0'],
      [[limited.membershipId], 'shared', 422, 'mentions/0'],
      [[manager.membershipId, client.membershipId], 'internal', 422, 'mentions/1']
    ]
    for (const [mentions, visibility, status, path] of cases) {
      const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: { body: 'cc', visibility, mentions } })
      t.equal(res.statusCode, status, `${visibility} ${path}`)
      t.same(json(res).errors.map((e: any) => e.path), [path])
    }
    const ok = await comment(h, a, item.id, { body: 'cc', visibility: 'shared', mentions: [client.membershipId, manager.membershipId] })
    t.same(ok.mentions, [client.membershipId, manager.membershipId])
    const toInternal = await h.inject({ method: 'PATCH', url: `${url}/${ok.id}`, headers: bearer(a.token), payload: { visibility: 'internal' } })
    t.equal(toInternal.statusCode, 422, 'a client mentioned in a shared comment cannot stay mentioned once it is internal')
    t.equal(json(toInternal).errors[0].path, 'mentions/0')
    const [count] = await h.sql("SELECT count(*)::int AS n FROM content_comments WHERE content_item_id = $1 AND body = 'cc'", [item.id])
    t.equal(count.n, 1, 'refused comments were not written')
  })

  t.test('bad input is a 400 naming the field', async (t) => {
    const cases: Array<[unknown, string]> = [
      [{ visibility: 'shared' }, 'body'],
      [{ body: 'x' }, 'visibility'],
      [{ body: 42, visibility: 'shared' }, 'body'],
      [{ body: '   ', visibility: 'shared' }, 'body'],
      [{ body: 'x'.repeat(10_001), visibility: 'shared' }, 'body'],
      [{ body: 'x', visibility: 'public' }, 'visibility'],
      [{ body: 'x', visibility: 'shared', mentions: ['not-a-uuid'] }, 'mentions/0'],
      [{ body: 'x', visibility: 'shared', mentions: [manager.membershipId, manager.membershipId] }, 'mentions/1'],
      [{ body: 'x', visibility: 'shared', mentions: Array.from({ length: 21 }, () => manager.membershipId) }, 'mentions'],
      [{ body: 'x', visibility: 'shared', authorId: manager.membershipId }, 'authorId'],
      [{ body: 'x', visibility: 'shared', revision: 9 }, 'revision']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url, headers: bearer(a.token), payload: payload as object })
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80))
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}: ${JSON.stringify(json(res).errors)}`)
    }
    const c = await comment(h, a, item.id, { body: 'to patch', visibility: 'shared' })
    for (const [payload, path] of [[{ body: '' }, 'body'], [{ version: 3 }, 'version'], [{ author: 'me' }, 'author']] as const) {
      const res = await h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: bearer(a.token), payload })
      t.equal(res.statusCode, 400)
      t.ok(json(res).errors.some((e: any) => e.path === path))
    }
    const huge = await h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'content-type': 'application/json' }, payload: JSON.stringify({ body: 'x'.repeat(1024 * 1024), visibility: 'shared' }) })
    t.equal(huge.statusCode, 413)
    t.equal((await h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'content-type': 'text/plain' }, payload: 'hello' })).statusCode, 415)
    const badId = await h.inject({ method: 'GET', url: '/v1/content-items/nope/comments', headers: bearer(a.token) })
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    const badComment = await h.inject({ method: 'PATCH', url: `${url}/nope`, headers: bearer(a.token), payload: { body: 'x' } })
    t.equal(badComment.statusCode, 400)
    t.equal(json(badComment).errors[0].path, 'commentId')
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${NOPE}/comments`, headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'POST', url: `/v1/content-items/${NOPE}/comments`, headers: bearer(a.token), payload: { body: 'x', visibility: 'shared' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `${url}/${NOPE}`, headers: bearer(a.token) })).statusCode, 404)
    const elsewhere = await createItem(h, a, { brandId: brand.id })
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${elsewhere.id}/comments/${c.id}`, headers: bearer(a.token) })).statusCode, 404, 'a comment of another item')
    for (const q of ['limit=0', 'limit=201', 'sort=body', 'visibility=secret', 'authorId=x']) {
      t.equal((await h.inject({ method: 'GET', url: `${url}?${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
  })

  t.test('another tenant\'s items and comments are 404 and stay unchanged', async (t) => {
    const theirBrand = await createBrand(h, b)
    const theirItem = await createItem(h, b, { brandId: theirBrand.id })
    const theirs = await comment(h, b, theirItem.id, { body: 'theirs', visibility: 'internal' })
    const theirUrl = `/v1/content-items/${theirItem.id}/comments`
    t.equal((await h.inject({ method: 'GET', url: theirUrl, headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'POST', url: theirUrl, headers: bearer(a.token), payload: { body: 'x', visibility: 'shared' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `${theirUrl}/${theirs.id}`, headers: bearer(a.token) })).statusCode, 404)
    t.equal((await h.inject({ method: 'PATCH', url: `${url}/${theirs.id}`, headers: bearer(a.token), payload: { body: 'mine' } })).statusCode, 404, 'their comment under my item')
    t.equal((await h.inject({ method: 'PATCH', url: `${theirUrl}/${theirs.id}`, headers: bearer(a.token), payload: { body: 'mine' } })).statusCode, 404)
    t.equal((await h.inject({ method: 'DELETE', url: `${theirUrl}/${theirs.id}`, headers: bearer(a.token) })).statusCode, 404)
    t.match(json(await h.inject({ method: 'GET', url: `${theirUrl}/${theirs.id}`, headers: bearer(b.token) })), { body: 'theirs', version: 1 })
  })

  t.test('brand-limited members and keys see only their brands\' comments', async (t) => {
    const otherItem = await createItem(h, a, { brandId: other.id })
    const hidden = await comment(h, a, otherItem.id, { body: 'other brand', visibility: 'shared' })
    const otherUrl = `/v1/content-items/${otherItem.id}/comments`
    const limitedKey = await createApiKey(h, a, ['content:read', 'content:write'], [brand.id])
    for (const token of [client.token, limitedKey.secret]) {
      t.equal((await h.inject({ method: 'GET', url: otherUrl, headers: bearer(token) })).statusCode, 404)
      t.equal((await h.inject({ method: 'POST', url: otherUrl, headers: bearer(token), payload: { body: 'x', visibility: 'shared' } })).statusCode, 404)
      t.equal((await h.inject({ method: 'GET', url: `${otherUrl}/${hidden.id}`, headers: bearer(token) })).statusCode, 404)
      t.equal((await h.inject({ method: 'GET', url, headers: bearer(token) })).statusCode, 200)
    }
  })

  t.test('two edits with the same If-Match: one wins, one gets 412', async (t) => {
    const c = await comment(h, manager, item.id, { body: 'race', visibility: 'internal' })
    const [r1, r2] = await Promise.all(['one', 'two'].map((body) =>
      h.inject({ method: 'PATCH', url: `${url}/${c.id}`, headers: { ...bearer(manager.token), 'if-match': '"1"' }, payload: { body } })))
    t.same([r1.statusCode, r2.statusCode].sort(), [200, 412])
    const [row] = await h.sql('SELECT version, body FROM content_comments WHERE id = $1', [c.id])
    t.equal(row.version, 2)
    t.equal(row.body, json(r1.statusCode === 200 ? r1 : r2).body, 'the winner\'s text is stored')
  })

  t.test('Idempotency-Key replays the creation', async (t) => {
    const send = () => h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'idempotency-key': 'comment-once-1' }, payload: { body: 'only once', visibility: 'shared' } })
    const first = await send()
    const again = await send()
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.equal(json(again).id, json(first).id)
    const [row] = await h.sql("SELECT count(*)::int AS n FROM content_comments WHERE body = 'only once'")
    t.equal(row.n, 1)
    const other = await h.inject({ method: 'POST', url, headers: { ...bearer(a.token), 'idempotency-key': 'comment-once-1' }, payload: { body: 'something else', visibility: 'shared' } })
    t.equal(other.statusCode, 422)
  })
})
