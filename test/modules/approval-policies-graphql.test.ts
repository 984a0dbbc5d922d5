import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, createBrand, signup } from '../factories.js'
import { createPolicy } from '../factories-approvals.js'

t.test('approval policies over GraphQL', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'gql-a')
  const b = await signup(h, 'gql-b')
  const gql = async (token: string, query: string, variables?: object) => {
    const res = await h.inject({ method: 'POST', url: '/graphql', headers: bearer(token), payload: { query, variables } })
    return { status: res.statusCode, body: json(res) }
  }

  t.test('queries, the connection and the brand edges', async (t) => {
    const brand = await createBrand(h, a, 'GQL brand')
    const extra = await createPolicy(h, a, brand.id, undefined, 'Extra')
    const { body } = await gql(a.token, `query($brandId: ID) {
      approvalPolicies(first: 1, sort: name_asc, brandId: $brandId) { edges { cursor node { name brand { name } steps { name roles memberIds mode } } } pageInfo { hasNextPage endCursor } }
      brand(id: "${brand.id}") { approvalPolicyId approvalPolicy { name steps { roles mode } } }
    }`, { brandId: brand.id })
    t.notOk(body.errors)
    t.same(body.data.approvalPolicies.edges[0].node, { name: 'Extra', brand: { name: 'GQL brand' }, steps: [{ name: 'Internal review', roles: ['manager'], memberIds: [], mode: 'any' }, { name: 'Client approval', roles: ['client'], memberIds: [], mode: 'any' }] })
    t.equal(body.data.approvalPolicies.pageInfo.hasNextPage, true)
    t.match(body.data.brand, { approvalPolicy: { name: 'Internal review', steps: [{ roles: ['manager', 'admin', 'owner'], mode: 'any' }] } })
    const next = await gql(a.token, 'query($after: String, $brandId: ID) { approvalPolicies(first: 5, sort: name_asc, after: $after, brandId: $brandId) { edges { node { name } } } }', { after: body.data.approvalPolicies.pageInfo.endCursor, brandId: brand.id })
    t.same(next.body.data.approvalPolicies.edges.map((e: any) => e.node.name), ['Internal review'])
    const one = await gql(a.token, `{ approvalPolicy(id: "${extra.id}") { id version } }`)
    t.same(one.body.data.approvalPolicy, { id: extra.id, version: 1 })
  })

  t.test('Brand.approvalPolicy and ApprovalPolicy.brand are batched: the statement count does not grow with rows', async (t) => {
    const s = await signup(h, 'gql-count')
    const count = async () => {
      const before = h.queries.length
      const { body } = await gql(s.token, '{ brands(first: 50) { edges { node { name approvalPolicy { name brand { name } } } } } approvalPolicies(first: 50) { edges { node { brand { name } } } } }')
      t.notOk(body.errors)
      return { statements: h.queries.length - before, rows: body.data.brands.edges.length }
    }
    await createBrand(h, s, 'C1')
    const small = await count()
    for (let i = 2; i <= 6; i++) await createBrand(h, s, `C${i}`)
    const large = await count()
    t.equal(small.rows, 1)
    t.equal(large.rows, 6)
    t.equal(large.statements, small.statements, `${large.statements} statements for 6 brands, as for 1`)
  })

  t.test('mutations follow the REST rules: validation, versions, roles, tenants, in-use', async (t) => {
    const brand = await createBrand(h, a, 'GQL mutations')
    const created = await gql(a.token, 'mutation($input: CreateApprovalPolicyInput!) { createApprovalPolicy(input: $input) { id name version steps { name roles memberIds mode } } }', {
      input: { brandId: brand.id, name: 'Via GraphQL', steps: [{ name: 'Legal', memberIds: [a.membershipId], roles: null, mode: 'all' }] }
    })
    t.notOk(created.body.errors)
    t.match(created.body.data.createApprovalPolicy, { name: 'Via GraphQL', version: 1, steps: [{ name: 'Legal', roles: [], memberIds: [a.membershipId], mode: 'all' }] })
    const id = created.body.data.createApprovalPolicy.id

    const invalid = await gql(a.token, `mutation { createApprovalPolicy(input: { brandId: "${brand.id}", name: "x", steps: [{ name: "Nobody", mode: any }] }) { id } }`)
    t.equal(invalid.body.errors[0].extensions.code, 'HERALD_VALIDATION')
    t.ok(invalid.body.errors[0].extensions.errors.some((e: any) => e.path === 'steps/0'), 'the same field path as REST')
    const theirMember = await addMember(h, b, 'manager')
    const foreignMember = await gql(a.token, `mutation { createApprovalPolicy(input: { brandId: "${brand.id}", name: "x", steps: [{ name: "S", memberIds: ["${theirMember.membershipId}"], mode: any }] }) { id } }`)
    t.equal(foreignMember.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    t.equal(foreignMember.body.errors[0].extensions.errors[0].path, 'steps/0/memberIds/0')

    const stale = await gql(a.token, `mutation { updateApprovalPolicy(id: "${id}", input: { name: "Stale" }, expectedVersion: 7) { id } }`)
    t.equal(stale.body.errors[0].extensions.code, 'HERALD_PRECONDITION_FAILED')
    const renamed = await gql(a.token, `mutation { updateApprovalPolicy(id: "${id}", input: { name: "Renamed", steps: null }, expectedVersion: 1) { name version steps { name } } }`)
    t.match(renamed.body.data.updateApprovalPolicy, { name: 'Renamed', version: 2, steps: [{ name: 'Legal' }] }, 'a null field is left as it is')

    const creator = await addMember(h, a, 'creator')
    const forbidden = await gql(creator.token, `mutation { deleteApprovalPolicy(id: "${id}") }`)
    t.equal(forbidden.body.errors[0].extensions.code, 'HERALD_FORBIDDEN')
    const key = await createApiKey(h, a, ['brands:read'])
    const noScope = await gql(key.secret, `{ approvalPolicy(id: "${id}") { id } }`)
    t.equal(noScope.body.errors[0].extensions.code, 'HERALD_FORBIDDEN')

    const foreign = await gql(b.token, `{ approvalPolicy(id: "${id}") { name } }`)
    t.equal(foreign.body.data.approvalPolicy, null)
    t.equal(foreign.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    const foreignDelete = await gql(b.token, `mutation { deleteApprovalPolicy(id: "${id}") }`)
    t.equal(foreignDelete.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')
    const theirBrand = await createBrand(h, b, 'GQL theirs')
    const foreignBrand = await gql(a.token, `mutation { createApprovalPolicy(input: { brandId: "${theirBrand.id}", name: "x", steps: [{ name: "S", roles: [manager], mode: any }] }) { id } }`)
    t.equal(foreignBrand.body.errors[0].extensions.code, 'HERALD_NOT_FOUND')

    const pointed = await gql(a.token, `mutation { updateBrand(id: "${brand.id}", input: { approvalPolicyId: "${id}" }) { approvalPolicyId approvalPolicy { name } } }`)
    t.same(pointed.body.data.updateBrand, { approvalPolicyId: id, approvalPolicy: { name: 'Renamed' } })
    const otherBrand = await createBrand(h, a, 'GQL other')
    const wrongBrand = await gql(a.token, `mutation { updateBrand(id: "${otherBrand.id}", input: { approvalPolicyId: "${id}" }) { id } }`)
    t.equal(wrongBrand.body.errors[0].extensions.code, 'HERALD_UNPROCESSABLE')
    const inUse = await gql(a.token, `mutation { deleteApprovalPolicy(id: "${id}") }`)
    t.equal(inUse.body.errors[0].extensions.code, 'HERALD_IN_USE')

    const spare = await createPolicy(h, a, brand.id)
    const deleted = await gql(a.token, `mutation { deleteApprovalPolicy(id: "${spare.id}", expectedVersion: 1) }`)
    t.equal(deleted.body.data.deleteApprovalPolicy, spare.id)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM approval_policies WHERE id = $1', [spare.id]))[0].n, 0)
  })
})
