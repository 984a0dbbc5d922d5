import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createPolicy, insertCampaign, withMemberCtx } from '../factories-approvals.js'

// How policies attach to brands (and campaigns): the default every new brand gets, a brand's
// approvalPolicyId, deleting a policy in use, and the effective policy at submission.

const UNKNOWN = '00000000-0000-4000-8000-000000000000'

t.test('approval policies and brands', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'a')
  const b = await signup(h, 'b')
  const getBrand = async (id: string) => json(await h.inject({ method: 'GET', url: `/v1/brands/${id}`, headers: bearer(a.token) }))

  t.test('a new brand gets its own "Internal review" policy as its default, in the same transaction', async (t) => {
    const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(a.token), payload: { name: 'Fresh', timeZone: 'UTC' } })
    t.equal(res.statusCode, 201)
    const brand = json(res)
    t.ok(brand.approvalPolicyId, 'the brand names its default policy')
    t.equal(brand.version, 1, 'still the first version')
    const policy = json(await h.inject({ method: 'GET', url: `/v1/approval-policies/${brand.approvalPolicyId}`, headers: bearer(a.token) }))
    t.same(policy.steps, [{ name: 'Internal review', roles: ['manager', 'admin', 'owner'], memberIds: [], mode: 'any' }])
    t.match(policy, { brandId: brand.id, name: 'Internal review', version: 1 })
    t.same(json(await h.inject({ method: 'GET', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })), brand)

    const events = await h.sql('SELECT type, subject_id, brand_id, data FROM events WHERE (subject_id = $1 OR subject_id = $2) ORDER BY seq', [brand.id, policy.id])
    t.same(events.map((e) => e.type), ['approval_policy.created', 'brand.created'])
    t.equal(events[0].brand_id, brand.id)
    t.equal(events[1].data.brand.approvalPolicyId, policy.id, 'brand.created carries the brand as the API returns it')

    // A brand created by a manager (no approvals hook authorization needed beyond brands:write)
    // and by an API key with only brands:write gets one too.
    const key = await createApiKey(h, a, ['brands:write'])
    const byKey = json(await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(key.secret), payload: { name: 'By key', timeZone: 'UTC' } }))
    t.ok(byKey.approvalPolicyId)

    // Nothing of it survives a refused creation: the idempotent replay neither.
    const headers = { ...bearer(a.token), 'idempotency-key': 'brand-with-policy' }
    const first = json(await h.inject({ method: 'POST', url: '/v1/brands', headers, payload: { name: 'Keyed', timeZone: 'UTC' } }))
    const again = json(await h.inject({ method: 'POST', url: '/v1/brands', headers, payload: { name: 'Keyed', timeZone: 'UTC' } }))
    t.equal(again.approvalPolicyId, first.approvalPolicyId)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policies WHERE brand_id = $1', [first.id]))[0].n, 1, 'one default policy, not two')
  })

  t.test('PATCH a brand\'s approvalPolicyId: its own policy only', async (t) => {
    const brand = await createBrand(h, a, 'Patched')
    const sibling = await createBrand(h, a, 'Sibling')
    const theirBrand = await createBrand(h, b, 'Theirs')
    const mine = await createPolicy(h, a, brand.id)
    const siblings = await createPolicy(h, a, sibling.id)
    const theirs = await createPolicy(h, b, theirBrand.id)
    const before = await getBrand(brand.id)

    const other = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: siblings.id } })
    t.equal(other.statusCode, 422)
    t.match(json(other), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'approvalPolicyId', message: 'approval policy of another brand' }] })
    const foreign = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: theirs.id } })
    t.equal(foreign.statusCode, 404)
    t.match(json(foreign), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'approvalPolicyId' }] })
    const unknown = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: UNKNOWN } })
    t.equal(unknown.statusCode, 404)
    for (const bad of ['nope', null, 7]) {
      const res = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: bad } })
      t.equal(res.statusCode, 400, JSON.stringify(bad))
      t.equal(json(res).errors[0].path, 'approvalPolicyId')
    }
    t.same(await getBrand(brand.id), before, 'refusals changed nothing')
    t.equal((await h.sql('SELECT count(*)::int AS n FROM brands WHERE approval_policy_id = $1', [theirs.id]))[0].n, 0)

    const ok = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: { ...bearer(a.token), 'if-match': '"1"' }, payload: { approvalPolicyId: mine.id } })
    t.equal(ok.statusCode, 200)
    t.match(json(ok), { approvalPolicyId: mine.id, version: 2 })
    const [event] = await h.sql("SELECT data FROM events WHERE type = 'brand.updated' AND subject_id = $1", [brand.id])
    t.same(event.data.changed, ['approvalPolicyId'])
    const same = await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: mine.id } })
    t.equal(json(same).version, 2, 'the same policy again is no change')

    const creator = await addMember(h, a, 'creator')
    t.equal((await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(creator.token), payload: { approvalPolicyId: before.approvalPolicyId } })).statusCode, 403)
  })

  t.test('deleting a policy that a brand or campaign uses is 409 with its users; the brand default can be replaced first', async (t) => {
    const brand = await createBrand(h, a, 'In use')
    const defaultId = (await getBrand(brand.id)).approvalPolicyId
    const override = await createPolicy(h, a, brand.id)
    const campaignId = await insertCampaign(h, a.orgId, brand.id, override.id)

    const byBrand = await h.inject({ method: 'DELETE', url: `/v1/approval-policies/${defaultId}`, headers: bearer(a.token) })
    t.equal(byBrand.statusCode, 409)
    t.match(json(byBrand), { code: 'HERALD_IN_USE', errors: [{ path: `usedBy/brands/${brand.id}`, message: 'default approval policy of brand "In use"' }] })
    const byCampaign = await h.inject({ method: 'DELETE', url: `/v1/approval-policies/${override.id}`, headers: bearer(a.token) })
    t.equal(byCampaign.statusCode, 409)
    t.match(json(byCampaign), { code: 'HERALD_IN_USE', errors: [{ path: `usedBy/campaigns/${campaignId}` }] })
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policies WHERE id IN ($1, $2)', [defaultId, override.id]))[0].n, 2)

    await h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: override.id } })
    const both = await h.inject({ method: 'DELETE', url: `/v1/approval-policies/${override.id}`, headers: bearer(a.token) })
    t.same(json(both).errors.map((e: any) => e.path).sort(), [`usedBy/brands/${brand.id}`, `usedBy/campaigns/${campaignId}`].sort(), 'every user is listed')
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/approval-policies/${defaultId}`, headers: bearer(a.token) })).statusCode, 204, 'no longer the default: deletable')
  })

  t.test('a delete racing a brand pointing at the policy: never a dangling default', async (t) => {
    for (let i = 0; i < 5; i++) {
      const brand = await createBrand(h, a, `Race ${i}`)
      const policy = await createPolicy(h, a, brand.id)
      const [del, patch] = await Promise.all([
        h.inject({ method: 'DELETE', url: `/v1/approval-policies/${policy.id}`, headers: bearer(a.token) }),
        h.inject({ method: 'PATCH', url: `/v1/brands/${brand.id}`, headers: bearer(a.token), payload: { approvalPolicyId: policy.id } })
      ])
      const outcome = `${del.statusCode}/${patch.statusCode}`
      t.ok(outcome === '204/404' || outcome === '409/200', `delete/patch: ${outcome}`)
      const [row] = await h.sql('SELECT b.approval_policy_id AS pid, p.id AS found FROM brands b LEFT JOIN approval_policies p ON p.id = b.approval_policy_id WHERE b.id = $1', [brand.id])
      t.ok(row.pid !== null && row.found === row.pid, 'the brand always names a policy that exists')
    }
  })

  t.test('deleting a brand deletes its policies', async (t) => {
    const brand = await createBrand(h, a, 'Doomed')
    await createPolicy(h, a, brand.id)
    t.equal((await h.inject({ method: 'DELETE', url: `/v1/brands/${brand.id}`, headers: bearer(a.token) })).statusCode, 204)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policies WHERE brand_id = $1', [brand.id]))[0].n, 0)
  })

  t.test('effectivePolicy: the campaign\'s, else the brand\'s, else the built-in default', async (t) => {
    const brand = await createBrand(h, a, 'Effective')
    const sibling = await createBrand(h, a, 'Effective sibling')
    const defaultId = (await getBrand(brand.id)).approvalPolicyId
    const override = await createPolicy(h, a, brand.id, [{ name: 'Client', roles: ['client'], mode: 'all' }], 'Campaign override')
    const withOverride = await insertCampaign(h, a.orgId, brand.id, override.id)
    const without = await insertCampaign(h, a.orgId, brand.id)
    const siblingCampaign = await insertCampaign(h, a.orgId, sibling.id, (await getBrand(sibling.id)).approvalPolicyId)
    const legacy = await createBrand(h, a, 'Legacy')
    await h.sql('UPDATE brands SET approval_policy_id = NULL WHERE id = $1', [legacy.id])

    await withMemberCtx(h, a, 'owner', async (ctx) => {
      const svc = h.app.approvalPolicies
      t.match(await svc.effectivePolicy(ctx, brand.id), { source: 'brand', policyId: defaultId, name: 'Internal review' })
      t.match(await svc.effectivePolicy(ctx, brand.id, withOverride), { source: 'campaign', policyId: override.id, name: 'Campaign override', steps: [{ name: 'Client', roles: ['client'], memberIds: [], mode: 'all' }] })
      t.match(await svc.effectivePolicy(ctx, brand.id, without), { source: 'brand', policyId: defaultId })
      t.match(await svc.effectivePolicy(ctx, brand.id, siblingCampaign), { source: 'brand', policyId: defaultId }, 'a campaign of another brand never applies')
      t.same(await svc.effectivePolicy(ctx, legacy.id), {
        source: 'built_in', policyId: null, name: 'Internal review', steps: [{ name: 'Internal review', roles: ['manager', 'admin', 'owner'], memberIds: [], mode: 'any' }]
      }, 'a brand from before policies follows the built-in default')
      await t.rejects(svc.effectivePolicy(ctx, UNKNOWN), { code: 'HERALD_NOT_FOUND' })
    })
    await withMemberCtx(h, b, 'owner', async (ctx) => {
      await t.rejects(h.app.approvalPolicies.effectivePolicy(ctx, brand.id), { code: 'HERALD_NOT_FOUND' }, 'another tenant\'s brand is unknown')
    })
  })

  t.test('assertPolicyForBrand, for the campaigns module: 404 unknown or foreign, 422 another brand\'s', async (t) => {
    const brand = await createBrand(h, a, 'Asserted')
    const sibling = await createBrand(h, a, 'Asserted sibling')
    const mine = await createPolicy(h, a, brand.id)
    const siblings = await createPolicy(h, a, sibling.id)
    const theirBrand = await createBrand(h, b, 'Asserted theirs')
    const theirs = await createPolicy(h, b, theirBrand.id)
    await withMemberCtx(h, a, 'manager', async (ctx) => {
      const svc = h.app.approvalPolicies
      t.match(await svc.assertPolicyForBrand(ctx, mine.id, brand.id, 'approvalPolicyId'), { id: mine.id, brandId: brand.id })
      await t.rejects(svc.assertPolicyForBrand(ctx, siblings.id, brand.id, 'approvalPolicyId'), { code: 'HERALD_UNPROCESSABLE', errors: [{ path: 'approvalPolicyId' }] })
      await t.rejects(svc.assertPolicyForBrand(ctx, theirs.id, brand.id, 'approvalPolicyId'), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'approvalPolicyId' }] })
      await t.rejects(svc.assertPolicyForBrand(ctx, UNKNOWN, brand.id, 'items/2/approvalPolicyId'), { code: 'HERALD_NOT_FOUND', errors: [{ path: 'items/2/approvalPolicyId' }] })
    })
    await withMemberCtx(h, a, 'manager', async (ctx) => {
      await t.rejects(h.app.approvalPolicies.assertPolicyForBrand(ctx, siblings.id, sibling.id, 'approvalPolicyId'), { code: 'HERALD_NOT_FOUND' }, 'a brand-limited caller cannot name an ungranted brand\'s policy')
    }, [brand.id])
  })
})
