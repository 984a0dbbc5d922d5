import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand } from '../factories.js'
import { createPolicy } from '../factories-approvals.js'
import { createItem, future, socialAccount } from '../factories-content.js'
import { decide, submit, submitted, team } from '../factories-approval-requests.js'

// GET /v1/approval-requests: filters (brand, item, status, step, approver, overdue), sorts and
// keyset pages that neither skip nor repeat.

t.test('listing approval requests', async (t) => {
  const h = await createTestApp(t)
  const tm = await team(h, 'list')
  const { owner, manager, manager2, client, creator } = tm
  const list = async (q: string, s: { token: string } = owner) => {
    const res = await h.inject({ method: 'GET', url: `/v1/approval-requests?${q}`, headers: bearer(s.token) })
    t.equal(res.statusCode, 200, `${q}: ${res.body.slice(0, 200)}`)
    return json(res) as { data: any[], nextCursor: string | null }
  }
  const ids = async (q: string, s: { token: string } = owner) => (await list(q, s)).data.map((r) => r.id)
  const all = async (q: string) => {
    const out: string[] = []
    let cursor: string | null = null
    do {
      const page: { data: any[], nextCursor: string | null } = await list(`${q}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      out.push(...page.data.map((r) => r.id))
      cursor = page.nextCursor
    } while (cursor)
    return out
  }

  // Brand 2 has a two-manager 'all' policy; brand 1 has managers then client.
  const brand2 = await createBrand(h, owner, 'List brand 2')
  const x2 = await socialAccount(h, owner.orgId, brand2.id, 'x')
  const allPolicy = await createPolicy(h, owner, brand2.id, [{ name: 'Both managers', roles: ['manager'], mode: 'all' }])
  await h.inject({ method: 'PATCH', url: `/v1/brands/${brand2.id}`, headers: bearer(owner.token), payload: { approvalPolicyId: allPolicy.id } })

  const r1 = await submitted(h, tm, creator, {}, { dueAt: future(3) })
  const r2 = await submitted(h, tm, creator, {}, { dueAt: future(1) })
  const r3 = await submitted(h, tm)
  await decide(h, manager, r3.requestId, 'approve') // r3 at the client step
  const r4 = await submitted(h, tm, creator, {}, { dueAt: future(2) })
  await decide(h, manager, r4.requestId, 'reject') // r4 closed
  const b2item = await createItem(h, creator, { brandId: brand2.id, targets: [{ socialAccountId: x2 }] })
  await submit(h, creator, b2item.id, { dueAt: future(5) })
  const [b2] = await h.sql('SELECT id FROM approval_requests WHERE content_item_id = $1', [b2item.id])
  await decide(h, manager, b2.id, 'approve') // manager approved; manager2 still must
  const newestFirst = [b2.id, r4.requestId, r3.requestId, r2.requestId, r1.requestId]

  t.test('sorts and pages', async (t) => {
    t.same(await ids('limit=50'), newestFirst, 'newest first by default')
    t.same(await all('sort=-createdAt'), newestFirst, 'pages of 2 neither skip nor repeat')
    t.same(await all('sort=createdAt'), [...newestFirst].reverse())
    // dueAt: r2 (1 day), r4 (2), r1 (3), b2 (5), then r3 without a due date, in both directions.
    t.same(await all('sort=dueAt'), [r2.requestId, r4.requestId, r1.requestId, b2.id, r3.requestId])
    t.same(await all('sort=-dueAt'), [b2.id, r1.requestId, r4.requestId, r2.requestId, r3.requestId], 'no due date comes last either way')
    const page = await list('sort=dueAt&limit=1')
    const wrongSort = await h.inject({ method: 'GET', url: `/v1/approval-requests?sort=createdAt&cursor=${encodeURIComponent(page.nextCursor!)}`, headers: bearer(owner.token) })
    t.equal(wrongSort.statusCode, 400)
    t.equal(json(wrongSort).code, 'HERALD_BAD_CURSOR')
  })

  t.test('filters', async (t) => {
    t.same(await ids(`brandId=${brand2.id}`), [b2.id])
    t.same(await ids(`contentItemId=${r2.item.id}`), [r2.requestId])
    t.same(await ids('status=rejected'), [r4.requestId])
    t.same(await ids('status=open'), [b2.id, r3.requestId, r2.requestId, r1.requestId])
    t.same(await ids('step=1'), [r3.requestId], 'the request at its second step')
    t.same(await ids('step=0&status=open'), [b2.id, r2.requestId, r1.requestId])
    t.same(await ids(`brandId=${tm.brand.id}&status=open&sort=dueAt`), [r2.requestId, r1.requestId, r3.requestId], 'filters combine with sorts')
  })

  t.test('approverId: who may decide at the current step now and has not yet (a review queue)', async (t) => {
    t.same(await ids(`approverId=${manager.membershipId}`), [r2.requestId, r1.requestId], 'not the client-step one, not the closed one, not the one already approved')
    t.same(await ids(`approverId=${manager2.membershipId}`), [b2.id, r2.requestId, r1.requestId], "the 'all' step still waits for the second manager")
    t.same(await ids(`approverId=${client.membershipId}`), [r3.requestId])
    t.same(await ids(`approverId=${creator.membershipId}`), [], 'the author decides nothing')
    t.same(await ids(`approverId=${client.membershipId}`, client), [r3.requestId], 'a client can ask for their own queue')
    const temp = await addMember(h, owner, 'manager')
    const r5 = await submitted(h, tm)
    t.ok((await ids(`approverId=${temp.membershipId}`)).includes(r5.requestId))
    await h.inject({ method: 'PATCH', url: `/v1/members/${temp.membershipId}`, headers: bearer(owner.token), payload: { role: 'analyst' } })
    t.same(await ids(`approverId=${temp.membershipId}`), [], 'a demoted member no longer has a queue')
    await h.inject({ method: 'PATCH', url: `/v1/members/${temp.membershipId}`, headers: bearer(owner.token), payload: { role: 'manager', brandIds: [brand2.id] } })
    t.same(await ids(`approverId=${temp.membershipId}`), [], 'nor one whose brand grant no longer covers the request')
    await h.inject({ method: 'POST', url: `/v1/content-items/${r5.item.id}/archive`, headers: bearer(owner.token) })
  })

  t.test('overdue, computed when asked', async (t) => {
    t.same(await ids('overdue=true'), [])
    await h.sql("UPDATE approval_requests SET due_at = now() - interval '1 minute' WHERE id = ANY($1)", [[r1.requestId, r4.requestId]])
    t.same(await ids('overdue=true'), [r1.requestId], 'the rejected one is not overdue')
    t.notOk((await ids('overdue=false&limit=200')).includes(r1.requestId))
    const one = (await list(`contentItemId=${r1.item.id}`)).data[0]
    t.match(one, { overdue: true })
    t.match((await list(`contentItemId=${r4.item.id}`)).data[0], { overdue: false, status: 'rejected' })
  })
})
