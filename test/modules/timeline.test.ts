import t from 'tap'
import { bearer, createTestApp, json, type TestApp } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createItem } from '../factories-content.js'
import { comment, createGuestLink, INTERNAL_THEN_CLIENT, submittedItem, usePolicy } from '../factories-review.js'

const NOPE = '00000000-0000-4000-8000-000000000000'

/** Every entry of an item's timeline, paging with `limit` (checks that pages neither repeat nor skip). */
async function walk (h: TestApp, token: string, itemId: string, query: string, limit: number) {
  const seen: any[] = []
  let cursor: string | null = null
  do {
    const res = await h.inject({ method: 'GET', url: `/v1/content-items/${itemId}/timeline?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(token) })
    const page = json(res)
    if (res.statusCode !== 200 || page.data.length > limit) throw new Error(`bad page: ${res.statusCode} ${res.body}`)
    seen.push(...page.data)
    cursor = page.nextCursor
  } while (cursor)
  return seen
}

t.test('timeline', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const brand = await createBrand(h, a)
  const other = await createBrand(h, a)
  await usePolicy(h, a, brand.id, INTERNAL_THEN_CLIENT)
  const manager = await addMember(h, a, 'manager')
  const analyst = await addMember(h, a, 'analyst')
  const client = await addMember(h, a, 'client', [brand.id])

  // One item's whole story: written, submitted, discussed, decided by a manager and by a
  // guest (who asks for changes), archived.
  const { item, requestId } = await submittedItem(h, a, brand.id, INTERNAL_THEN_CLIENT)
  const internal = await comment(h, manager, item.id, { body: 'Internal: the price is wrong', visibility: 'internal' })
  const shared = await comment(h, manager, item.id, { body: 'Have a look!', visibility: 'shared' })
  const byManager = await h.inject({ method: 'POST', url: `/v1/approval-requests/${requestId}/decisions`, headers: bearer(manager.token), payload: { decision: 'approve', comment: 'Fine by me, internally' } })
  t.equal(byManager.statusCode, 201)
  const internalDecision = json(byManager).decision.id
  const link = await createGuestLink(h, manager, requestId, { email: 'ana@client.example' })
  const byGuest = await h.inject({ method: 'POST', url: '/v1/guest/review/decisions', headers: bearer(link.token), payload: { decision: 'request_changes', comment: 'Please mention the roastery' } })
  t.equal(byGuest.statusCode, 201)
  const guestDecision = json(byGuest).decision.id
  const archived = await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/archive`, headers: bearer(a.token), payload: {} })
  t.equal(archived.statusCode, 200)

  t.test('everything in time order, each once', async (t) => {
    const res = await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(a.token) })
    t.equal(res.statusCode, 200)
    const entries = json(res).data
    t.same(entries.map((e: any) => e.type), ['status_changed', 'status_changed', 'decision', 'decision', 'comment', 'comment', 'submitted', 'revision'], 'newest first by default')
    const times = entries.map((e: any) => Date.parse(e.at))
    t.same(times, [...times].sort((x, y) => y - x))
    t.match(entries[0], { actor: { type: 'member', id: a.membershipId, label: a.email }, data: { from: 'changes_requested', to: 'archived', reason: 'archived' } })
    t.match(entries[1], { actor: { type: 'guest', id: link.id, label: 'ana@client.example' }, data: { from: 'in_review', to: 'changes_requested' } })
    t.match(entries[2], { id: guestDecision, actor: { type: 'guest', id: link.id, label: 'ana@client.example' }, data: { requestId, step: 1, stepName: 'Client approval', decision: 'request_changes', comment: 'Please mention the roastery', revision: item.revision } })
    t.match(entries[3], { id: internalDecision, actor: { type: 'member', id: manager.membershipId }, data: { step: 0, stepName: 'Internal review', decision: 'approve', comment: 'Fine by me, internally' } })
    t.match(entries[4], { id: shared.id, type: 'comment', data: { commentId: shared.id, body: 'Have a look!', visibility: 'shared', mentions: [], revision: item.revision, editedAt: null } })
    t.match(entries[5], { id: internal.id, data: { visibility: 'internal' } })
    t.match(entries[6], { type: 'submitted', data: { from: 'draft', revision: item.revision } })
    t.match(entries[7], { type: 'revision', actor: { type: 'member', id: a.membershipId }, data: { revision: 1 } })
    t.ok(entries[7].data.changed.includes('body'))
    const decided = json(await h.inject({ method: 'GET', url: `/v1/events?subjectId=${requestId}&type=approval.decided`, headers: bearer(a.token) })).data
    t.equal(decided.length, 2, 'the approvals module wrote its approval.decided events, and the timeline shows each decision once')
    t.notOk(entries.some((e: any) => e.type === 'status_changed' && e.data.reason === 'submitted'), 'a submission is one entry, not two')

    const oldest = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?sort=createdAt`, headers: bearer(a.token) })).data
    t.same(oldest.map((e: any) => e.id), entries.map((e: any) => e.id).reverse(), 'sort=createdAt is the same, oldest first')
  })

  t.test('pages neither repeat nor skip, in both orders', async (t) => {
    const all = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=200`, headers: bearer(a.token) })).data.map((e: any) => e.id)
    for (const [query, expected] of [['', all], ['&sort=createdAt', [...all].reverse()], ['&sort=-createdAt', all]] as const) {
      for (const limit of [1, 2, 3]) {
        const seen = (await walk(h, a.token, item.id, query, limit)).map((e: any) => e.id)
        t.same(seen, expected, `limit ${limit}${query}`)
      }
    }
    const first = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=2`, headers: bearer(a.token) }))
    const wrongSort = await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=2&sort=createdAt&cursor=${encodeURIComponent(first.nextCursor)}`, headers: bearer(a.token) })
    t.equal(wrongSort.statusCode, 400)
    t.equal(json(wrongSort).code, 'HERALD_BAD_CURSOR')
    const commentsCursor = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/comments?limit=1`, headers: bearer(a.token) })).nextCursor
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?cursor=${encodeURIComponent(commentsCursor)}`, headers: bearer(a.token) })).statusCode, 400, 'a cursor of another collection')
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, headers: bearer(b.token) })).statusCode, 404, 'another organization')
  })

  t.test('entries of one millisecond keep the order they were written in', async (t) => {
    const it = await createItem(h, a, { brandId: brand.id })
    const at = '2031-01-01T00:00:00.000Z'
    await h.sql('UPDATE content_revisions SET created_at = $2 WHERE content_item_id = $1', [it.id, at])
    const tos = ['in_review', 'draft', 'in_review', 'draft', 'in_review']
    for (const to of tos) {
      await h.sql(`INSERT INTO events (organization_id, type, subject_type, subject_id, brand_id, actor_type, actor_id, data, created_at)
                   VALUES ($1, 'content_item.status_changed', 'content_item', $2, $3, 'member', $4, $5, $6)`, [a.orgId, it.id, brand.id, a.membershipId, JSON.stringify({ from: 'x', to, reason: 'test' }), at])
    }
    const order = (entries: any[]) => entries.map((e: any) => e.type === 'revision' ? 'revision' : e.data.to)
    const oldest = json(await h.inject({ method: 'GET', url: `/v1/content-items/${it.id}/timeline?sort=createdAt`, headers: bearer(a.token) })).data
    t.same(order(oldest), ['revision', ...tos], 'the revision, then the events in the order they were written')
    const newest = json(await h.inject({ method: 'GET', url: `/v1/content-items/${it.id}/timeline`, headers: bearer(a.token) })).data
    t.same(order(newest), ['revision', ...tos].reverse())
    t.same(order(await walk(h, a.token, it.id, '&sort=createdAt', 2)), ['revision', ...tos], 'and pages cut inside the millisecond')
    t.same(order(await walk(h, a.token, it.id, '', 1)), ['revision', ...tos].reverse())
  })

  t.test('clients and guests never see internal comments or internal decisions\' comments', async (t) => {
    const entries = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=200`, headers: bearer(client.token) })).data
    t.notOk(entries.some((e: any) => e.id === internal.id), 'no internal comment')
    t.ok(entries.some((e: any) => e.id === shared.id))
    t.equal(entries.find((e: any) => e.id === internalDecision).data.comment, null, 'the internal step\'s decision is shown, its comment is not')
    t.equal(entries.find((e: any) => e.id === guestDecision).data.comment, 'Please mention the roastery', 'a client step\'s comment is shown')
    t.notOk(JSON.stringify(entries).includes('Internal: the price'))
    t.ok(entries.every((e: any) => e.actor.label === null), 'nor anyone\'s email')

    const guest = json(await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(link.token) }))
    t.same(guest.timeline.map((e: any) => e.id), entries.map((e: any) => e.id).reverse(), 'the guest page carries the client\'s timeline, oldest first')
    t.notOk(JSON.stringify(guest).includes('Fine by me, internally'))
    t.notOk(JSON.stringify(guest).includes('Internal: the price'))
    t.equal(guest.timeline.find((e: any) => e.id === guestDecision).actor.label, 'ana@client.example', 'the guest sees their own email')

    const analystView = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?limit=200`, headers: bearer(analyst.token) })).data
    t.ok(analystView.some((e: any) => e.id === internal.id), 'the team sees everything')
  })

  t.test('edits, invalidation and comments written on later revisions', async (t) => {
    const { item: fresh } = await submittedItem(h, a, brand.id, INTERNAL_THEN_CLIENT)
    await h.inject({ method: 'PATCH', url: `/v1/content-items/${fresh.id}`, headers: bearer(a.token), payload: { body: 'Edited in review' } })
    const later = await comment(h, a, fresh.id, { body: 'on the new text', visibility: 'shared' })
    const entries = json(await h.inject({ method: 'GET', url: `/v1/content-items/${fresh.id}/timeline?sort=createdAt`, headers: bearer(a.token) })).data
    t.same(entries.map((e: any) => e.type), ['revision', 'submitted', 'revision', 'status_changed', 'request_invalidated', 'comment'])
    t.match(entries.find((e: any) => e.type === 'request_invalidated').data, { revision: fresh.revision, previousStatus: 'open', reason: 'edited' })
    t.match(entries.filter((e: any) => e.type === 'revision').map((e: any) => e.data), [{ revision: 1 }, { revision: 2, changed: ['body'] }])
    t.match(entries.find((e: any) => e.type === 'status_changed').data, { from: 'in_review', to: 'draft', reason: 'edited' })
    t.equal(entries.find((e: any) => e.id === later.id).data.revision, 2)
  })

  t.test('access: content:read on the brand; bad input', async (t) => {
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(analyst.token) })).statusCode, 200)
    const reader = await createApiKey(h, a, ['content:read'])
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(reader.secret) })).statusCode, 200)
    const noScope = await createApiKey(h, a, ['brands:read'])
    const refused = await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(noScope.secret) })
    t.equal(refused.statusCode, 403)
    t.equal(json(refused).missingScope, 'content:read')
    const otherItem = await createItem(h, a, { brandId: other.id })
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${otherItem.id}/timeline`, headers: bearer(client.token) })).statusCode, 404, 'an ungranted brand')
    const limitedKey = await createApiKey(h, a, ['content:read'], [brand.id])
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${otherItem.id}/timeline`, headers: bearer(limitedKey.secret) })).statusCode, 404)
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline`, headers: bearer(b.token) })).statusCode, 404, 'another organization')
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${NOPE}/timeline`, headers: bearer(a.token) })).statusCode, 404)
    const badId = await h.inject({ method: 'GET', url: '/v1/content-items/nope/timeline', headers: bearer(a.token) })
    t.equal(badId.statusCode, 400)
    t.equal(json(badId).errors[0].path, 'id')
    for (const q of ['limit=0', 'limit=201', 'limit=x', 'sort=at', 'type=comment', 'cursor=']) {
      t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?${q}`, headers: bearer(a.token) })).statusCode, 400, q)
    }
    t.equal((await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}/timeline?cursor=abc.def`, headers: bearer(a.token) })).statusCode, 400, 'a forged cursor')
  })
})
