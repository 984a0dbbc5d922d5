import t from 'tap'
import { randomUUID } from 'node:crypto'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand } from '../factories.js'
import { createPolicy } from '../factories-approvals.js'
import { team } from '../factories-approval-requests.js'

// A campaign's approvalPolicyId overrides its brand's policy: it must be one of that brand's
// policies; null goes back to the brand's. (Which policy a submission uses is in the flow test.)

t.test('campaign approval policy override', async (t) => {
  const h = await createTestApp(t)
  const tm = await team(h, 'camp')
  const other = await team(h, 'camp-other')
  const { owner } = tm
  const post = (payload: object, s: { token: string } = owner, headers: Record<string, string> = {}) =>
    h.inject({ method: 'POST', url: '/v1/campaigns', headers: { ...bearer(s.token), ...headers }, payload: { brandId: tm.brand.id, name: `Campaign ${randomUUID().slice(0, 6)}`, objective: 'awareness', ...payload } })
  const patch = (id: string, payload: object, s: { token: string } = owner, headers: Record<string, string> = {}) =>
    h.inject({ method: 'PATCH', url: `/v1/campaigns/${id}`, headers: { ...bearer(s.token), ...headers }, payload })
  const brand2 = await createBrand(h, owner, 'Camp brand 2')
  const policy2 = await createPolicy(h, owner, brand2.id)

  t.test('create with, without, and with refused policies', async (t) => {
    const plain = await post({})
    t.equal(plain.statusCode, 201)
    t.equal(json(plain).approvalPolicyId, null)
    const withPolicy = await post({ approvalPolicyId: tm.policyId })
    t.equal(withPolicy.statusCode, 201)
    t.equal(json(withPolicy).approvalPolicyId, tm.policyId)
    t.match((await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'campaign.created'", [json(withPolicy).id]))[0].data, { campaign: { approvalPolicyId: tm.policyId } })
    t.equal(json(await h.inject({ method: 'GET', url: `/v1/campaigns/${json(withPolicy).id}`, headers: bearer(tm.client.token) })).approvalPolicyId, tm.policyId, 'clients read it too')

    const anotherBrand = await post({ approvalPolicyId: policy2.id })
    t.equal(anotherBrand.statusCode, 422)
    t.match(json(anotherBrand), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'approvalPolicyId', message: 'approval policy of another brand' }] })
    for (const id of [other.policyId, randomUUID()]) {
      const res = await post({ approvalPolicyId: id })
      t.equal(res.statusCode, 404)
      t.match(json(res), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'approvalPolicyId' }] })
    }
    const malformed = await post({ approvalPolicyId: 'nope' })
    t.equal(malformed.statusCode, 400)
    t.equal(json(malformed).errors[0].path, 'approvalPolicyId')
    t.equal((await post({ approvalPolicyId: 7 })).statusCode, 400)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM campaigns WHERE organization_id = $1', [owner.orgId]))[0].n, 2, 'refused ones made nothing')
    const limited = await addMember(h, owner, 'manager', [brand2.id])
    const hidden = await post({ brandId: brand2.id, approvalPolicyId: tm.policyId }, limited)
    t.equal(hidden.statusCode, 404, 'a policy of a brand the member cannot see is not found')
  })

  t.test('update: set, clear, refuse; If-Match; roles', async (t) => {
    const c = json(await post({}))
    const set = await patch(c.id, { approvalPolicyId: tm.policyId }, owner, { 'if-match': '"1"' })
    t.equal(set.statusCode, 200)
    t.match(json(set), { approvalPolicyId: tm.policyId, version: 2 })
    t.match((await h.sql("SELECT data FROM events WHERE subject_id = $1 AND type = 'campaign.updated' ORDER BY seq DESC LIMIT 1", [c.id]))[0].data, { changed: ['approvalPolicyId'] })
    t.equal((await patch(c.id, { approvalPolicyId: tm.policyId })).headers.etag, '"2"', 'the same value is no change')
    t.equal((await patch(c.id, { approvalPolicyId: null }, owner, { 'if-match': '"1"' })).statusCode, 412)
    const inUse = await h.inject({ method: 'DELETE', url: `/v1/approval-policies/${tm.policyId}`, headers: bearer(owner.token) })
    t.equal(inUse.statusCode, 409)
    t.ok(json(inUse).errors.some((e: any) => e.path === `usedBy/campaigns/${c.id}`))
    t.equal((await patch(c.id, { approvalPolicyId: policy2.id })).statusCode, 422)
    t.equal((await patch(c.id, { approvalPolicyId: other.policyId })).statusCode, 404)
    const cleared = await patch(c.id, { approvalPolicyId: null })
    t.match(json(cleared), { approvalPolicyId: null, version: 3 })
    t.equal((await patch(c.id, { approvalPolicyId: tm.policyId }, tm.creator)).statusCode, 403, 'creators do not manage campaigns')
    const key = await createApiKey(h, owner, ['campaigns:read'])
    t.match(json(await patch(c.id, { approvalPolicyId: tm.policyId }, { token: key.secret })), { code: 'HERALD_FORBIDDEN', missingScope: 'campaigns:write' })
    t.equal((await patch(c.id, { approvalPolicyId: tm.policyId }, other.owner)).statusCode, 404, 'another tenant\'s campaign')
    t.equal((await h.sql('SELECT approval_policy_id FROM campaigns WHERE id = $1', [c.id]))[0].approval_policy_id, null)
  })
})
