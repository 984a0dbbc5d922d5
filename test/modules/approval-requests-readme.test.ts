import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createBrand, signup } from '../factories.js'
import { createItem, future, socialAccount } from '../factories-content.js'

// The README's approvals walk-through, step by step, as a new user would run it.
t.test('README: a post reviewed by a manager, approved by the client, scheduled', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'readme-appr')
  const BRAND = (await createBrand(h, owner, 'Lumen Coffee', 'Europe/Paris')).id
  const POLICY = json(await h.inject({
    method: 'POST',
    url: '/v1/approval-policies',
    headers: bearer(owner.token),
    payload: { brandId: BRAND, name: 'Internal then client', steps: [{ name: 'Internal review', roles: ['manager'], mode: 'any' }, { name: 'Client approval', roles: ['client'], mode: 'any' }] }
  })).id
  t.equal((await h.inject({ method: 'PATCH', url: `/v1/brands/${BRAND}`, headers: bearer(owner.token), payload: { approvalPolicyId: POLICY } })).statusCode, 200)
  const SAM = await addMember(h, owner, 'creator')
  const MIA = await addMember(h, owner, 'manager')
  const CLARA = await addMember(h, owner, 'client', [BRAND])
  const X = await socialAccount(h, owner.orgId, BRAND, 'x')
  const ITEM = (await createItem(h, SAM, { brandId: BRAND, body: 'Spring blend is here', targets: [{ socialAccountId: X }], scheduledAt: future(20) })).id

  const submitted = await h.inject({ method: 'POST', url: `/v1/content-items/${ITEM}/submit`, headers: bearer(SAM.token), payload: { dueAt: future(2) } })
  t.equal(json(submitted).status, 'in_review')

  const MIA_ID = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(MIA.token) })).membershipId
  const queue = json(await h.inject({ method: 'GET', url: `/v1/approval-requests?approverId=${MIA_ID}&sort=dueAt`, headers: bearer(MIA.token) }))
  t.equal(queue.data.length, 1)
  const REQ = queue.data[0].id
  const request = json(await h.inject({ method: 'GET', url: `/v1/approval-requests/${REQ}`, headers: bearer(MIA.token) }))
  t.match(request, { contentItemId: ITEM, policyName: 'Internal then client', currentStep: 0, steps: [{ eligibleMemberIds: [MIA_ID] }, { eligibleMemberIds: [CLARA.membershipId] }] })

  const first = await h.inject({ method: 'POST', url: `/v1/approval-requests/${REQ}/decisions`, headers: bearer(MIA.token), payload: { decision: 'approve', comment: 'Ready for the client.' } })
  t.match(json(first), { request: { status: 'open', currentStep: 1 } })
  const last = await h.inject({ method: 'POST', url: `/v1/approval-requests/${REQ}/decisions`, headers: bearer(CLARA.token), payload: { decision: 'approve' } })
  t.match(json(last), { request: { status: 'approved' } })

  const approval = json(await h.inject({ method: 'GET', url: `/v1/content-items/${ITEM}/approval`, headers: bearer(MIA.token) }))
  t.match(approval, { approved: true, approvedRevision: 1 })
  t.same(approval.request.steps.map((s: any) => s.approvedBy.map((a: any) => a.actor.label)), [[MIA.email], [CLARA.email]])

  const scheduled = await h.inject({ method: 'POST', url: `/v1/content-items/${ITEM}/schedule`, headers: bearer(SAM.token) })
  t.equal(json(scheduled).status, 'scheduled')
})
