import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup, type Session } from '../factories.js'
import { createItem } from '../factories-content.js'
import { comment, CLIENT_ONLY, submittedItem, usePolicy } from '../factories-review.js'

const NOPE = '00000000-0000-4000-8000-000000000000'
const COMMENT = 'id contentItemId body visibility mentions author { type id label } revision editedAt version'

t.test('comments, timeline and guest links over GraphQL', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const brand = await createBrand(h, a)
  await usePolicy(h, a, brand.id, CLIENT_ONLY)
  const manager = await addMember(h, a, 'manager')
  const client = await addMember(h, a, 'client', [brand.id])
  const gql = async (s: Session | { token: string }, query: string, variables?: object) =>
    json(await h.inject({ method: 'POST', url: '/graphql', headers: bearer(s.token), payload: { query, variables } }))

  t.test('mutations do what REST does, with the same rules', async (t) => {
    const item = await createItem(h, a, { brandId: brand.id })
    const created = await gql(manager, `mutation($id: ID!, $input: CreateCommentInput!) { createComment(contentItemId: $id, input: $input) { ${COMMENT} } }`,
      { id: item.id, input: { body: 'From GraphQL', visibility: 'internal', mentions: [a.membershipId] } })
    t.notOk(created.errors)
    const c = created.data.createComment
    t.match(c, { contentItemId: item.id, body: 'From GraphQL', visibility: 'internal', mentions: [a.membershipId], author: { type: 'member', id: manager.membershipId, label: manager.email }, revision: 1, version: 1 })

    const stale = await gql(manager, 'mutation($id: ID!) { updateComment(id: $id, input: { body: "Stale" }, expectedVersion: 5) { version } }', { id: c.id })
    t.equal(stale.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const updated = await gql(manager, `mutation($id: ID!) { updateComment(id: $id, input: { body: "Edited", mentions: null }, expectedVersion: 1) { ${COMMENT} } }`, { id: c.id })
    t.match(updated.data.updateComment, { body: 'Edited', version: 2, mentions: [a.membershipId] })
    t.ok(updated.data.updateComment.editedAt)
    const notYours = await gql(a, 'mutation($id: ID!) { updateComment(id: $id, input: { body: "Mine" }) { id } }', { id: c.id })
    t.equal(notYours.errors[0].extensions.code, 'HERALD_FORBIDDEN')

    const clientInternal = await gql(client, 'mutation($id: ID!) { createComment(contentItemId: $id, input: { body: "psst", visibility: internal }) { id } }', { id: item.id })
    t.equal(clientInternal.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const tooLong = await gql(a, 'mutation($id: ID!, $body: String!) { createComment(contentItemId: $id, input: { body: $body, visibility: shared }) { id } }', { id: item.id, body: 'x'.repeat(10_001) })
    t.match(tooLong.errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'body' }] })
    const badMention = await gql(a, `mutation($id: ID!) { createComment(contentItemId: $id, input: { body: "cc", visibility: shared, mentions: ["${NOPE}"] }) { id } }`, { id: item.id })
    t.match(badMention.errors[0].extensions, { code: 'HERALD_NOT_FOUND', errors: [{ path: 'mentions/0' }] })
    const foreign = await gql(b, 'mutation($id: ID!) { deleteComment(id: $id) }', { id: c.id })
    t.equal(foreign.errors[0].extensions.code, 'HERALD_NOT_FOUND', 'another organization')
    t.equal((await gql(client, `{ comment(id: "${c.id}") { id } }`)).errors[0].extensions.code, 'HERALD_NOT_FOUND', 'an internal comment does not exist for a client')
    t.equal((await gql(a, `{ comment(id: "${c.id}") { body } }`)).data.comment.body, 'Edited')
    t.equal((await gql(a, '{ comment(id: "nope") { id } }')).errors[0].extensions.code, 'HERALD_VALIDATION')

    const deleted = await gql(a, 'mutation($id: ID!) { deleteComment(id: $id, expectedVersion: 2) }', { id: c.id })
    t.equal(deleted.data.deleteComment, c.id, 'an owner moderates')
    const [row] = await h.sql('SELECT count(*)::int AS n FROM content_comments WHERE id = $1', [c.id])
    t.equal(row.n, 0)
  })

  t.test('ContentItem.comments and .timeline: batched, and clients see only shared comments', async (t) => {
    const s = await signup(h, 'count')
    const br = await createBrand(h, s)
    const viewer = await addMember(h, s, 'client', [br.id])
    const cost = async (who: Session, n: number) => {
      const before = h.queries.length
      const res = await gql(who, `query($n: Int) { contentItems(first: $n, brandId: "${br.id}") { edges { node { id
        comments(first: 3) { edges { node { body visibility author { type label } } } pageInfo { hasNextPage } }
        timeline(first: 4) { edges { cursor node { id type at data actor { type label } } } pageInfo { hasNextPage endCursor } } } } } }`, { n })
      t.notOk(res.errors, JSON.stringify(res.errors))
      return { statements: h.queries.length - before, items: res.data.contentItems.edges.map((e: any) => e.node) }
    }
    const make = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const it = await createItem(h, s, { brandId: br.id })
        await comment(h, s, it.id, { body: `internal ${i}`, visibility: 'internal' })
        for (let j = 0; j < 4; j++) await comment(h, s, it.id, { body: `shared ${i}.${j}`, visibility: 'shared' })
      }
    }
    await make(2)
    const few = await cost(s, 20)
    await make(6)
    const many = await cost(s, 20)
    t.equal(many.items.length, 8)
    t.equal(many.statements, few.statements, `the same ${few.statements} statements for 2 items and for 8`)
    for (const node of many.items) {
      t.equal(node.comments.edges.length, 3)
      t.equal(node.comments.pageInfo.hasNextPage, true)
      t.equal(node.timeline.edges.length, 4)
      t.same(node.timeline.edges.map((e: any) => e.node.type), ['comment', 'comment', 'comment', 'comment'])
      t.equal(typeof JSON.parse(node.timeline.edges[0].node.data).body, 'string', 'data is JSON text')
    }
    const asClient = await cost(viewer, 20)
    const all = asClient.items.flatMap((n: any) => [...n.comments.edges.map((e: any) => e.node), ...n.timeline.edges.map((e: any) => JSON.parse(e.node.data))])
    t.ok(all.length > 0)
    t.ok(all.every((x: any) => x.visibility === 'shared'), 'no internal comment in either connection')
    t.ok(asClient.items.flatMap((n: any) => n.comments.edges).every((e: any) => e.node.author.label === null), 'and no emails')

    // Paging one item's timeline with after.
    const one = many.items[0]
    const next = await gql(s, `{ contentItem(id: "${one.id}") { timeline(first: 4, after: "${one.timeline.pageInfo.endCursor}") { edges { node { id type } } } } }`)
    const ids = [...one.timeline.edges.map((e: any) => e.node.id), ...next.data.contentItem.timeline.edges.map((e: any) => e.node.id)]
    t.equal(new Set(ids).size, ids.length, 'the second page goes on where the first ended')
    t.same(next.data.contentItem.timeline.edges.map((e: any) => e.node.type), ['comment', 'revision'], 'the internal comment, then the creation')
    const badFirst = await gql(s, `{ contentItem(id: "${one.id}") { comments(first: 500) { edges { node { id } } } } }`)
    t.equal(badFirst.errors[0].extensions.code, 'HERALD_VALIDATION')
  })

  // ContentItem.comments runs as a prepared shape, kept per process and shared by every caller:
  // a client's page and a team member's are different statements, in whichever order they come.
  t.test("a client's nested comments never reuse a team member's statement, nor the reverse", async (t) => {
    const s = await signup(h, 'shapes')
    const br = await createBrand(h, s)
    const viewer = await addMember(h, s, 'client', [br.id])
    const it = await createItem(h, s, { brandId: br.id })
    await comment(h, s, it.id, { body: 'internal first', visibility: 'internal' })
    await comment(h, s, it.id, { body: 'shared second', visibility: 'shared' })
    const bodies = async (who: Session, sort: string) => {
      const res = await gql(who, `{ contentItems(first: 5, brandId: "${br.id}") { edges { node { comments(first: 5, sort: ${sort}) { edges { node { body } } } } } } }`)
      t.notOk(res.errors, JSON.stringify(res.errors))
      return res.data.contentItems.edges[0].node.comments.edges.map((e: any) => e.node.body)
    }
    t.same(await bodies(s, 'createdAt_asc'), ['internal first', 'shared second'], 'the team sees both')
    t.same(await bodies(viewer, 'createdAt_asc'), ['shared second'], 'then a client sees the shared one only')
    t.same(await bodies(viewer, 'createdAt_desc'), ['shared second'], 'a client first, in another shape')
    t.same(await bodies(s, 'createdAt_desc'), ['shared second', 'internal first'], 'then the team still sees both')
  })

  t.test('guest links: create, list, revoke', async (t) => {
    const { requestId } = await submittedItem(h, a, brand.id)
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString()
    const created = await gql(manager, 'mutation($id: ID!, $at: DateTime!) { createGuestLink(requestId: $id, input: { email: "ana@client.example", expiresAt: $at }) { token link { id requestId email status createdBy { type id } } } }', { id: requestId, at: expiresAt })
    t.notOk(created.errors)
    const { token, link } = created.data.createGuestLink
    t.match(link, { requestId, email: 'ana@client.example', status: 'active', createdBy: { type: 'member', id: manager.membershipId } })
    t.equal((await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(token) })).statusCode, 200, 'the token works on the guest routes')
    const listed = await gql(manager, `{ guestLinks(requestId: "${requestId}", first: 10) { edges { node { id status } } pageInfo { hasNextPage } } }`)
    t.same(listed.data.guestLinks.edges.map((e: any) => e.node.id), [link.id])
    const revoked = await gql(manager, `mutation { revokeGuestLink(id: "${link.id}") { id status revokedAt } }`)
    t.match(revoked.data.revokeGuestLink, { id: link.id, status: 'revoked' })
    t.equal((await h.inject({ method: 'GET', url: '/v1/guest/review', headers: bearer(token) })).statusCode, 401)

    const past = await gql(manager, `mutation { createGuestLink(requestId: "${requestId}", input: { expiresAt: "2001-01-01T00:00:00Z" }) { token } }`)
    t.match(past.errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'expiresAt' }] })
    t.equal((await gql(client, `mutation { createGuestLink(requestId: "${requestId}", input: { expiresAt: "${expiresAt}" }) { token } }`)).errors[0].extensions.code, 'HERALD_FORBIDDEN')
    t.equal((await gql(b, `mutation { revokeGuestLink(id: "${link.id}") { id } }`)).errors[0].extensions.code, 'HERALD_NOT_FOUND')
    t.equal((await gql(b, `{ guestLinks(requestId: "${requestId}") { edges { node { id } } } }`)).errors[0].extensions.code, 'HERALD_NOT_FOUND')
  })
})
