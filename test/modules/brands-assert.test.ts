import t from 'tap'
import { randomUUID } from 'node:crypto'
import { memberActor } from '../../src/lib/actor.js'
import type { Ctx } from '../../src/lib/context.js'
import { AppError } from '../../src/lib/errors.js'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'

// brands.assertBrands / assertBrand: the one check every module uses for brand ids inside a
// body (member and API-key grants, a campaign's brand, ...).

t.test('assertBrands and assertBrand', async (t) => {
  const h = await createTestApp(t)
  const org = await signup(h, 'assert')
  const other = await signup(h, 'assert-other')
  const [a, b] = [await createBrand(h, org, 'A'), await createBrand(h, org, 'B')]
  const foreign = await createBrand(h, other, 'Foreign')
  const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(org.token) }))

  async function asActor<T> (brandIds: string[] | null, fn: (ctx: Ctx) => Promise<T>): Promise<T | AppError> {
    const { tx } = await h.app.openTx('herald_app', org.orgId)
    try {
      const actor = memberActor({ id: me.membershipId, orgId: org.orgId, userId: org.userId, role: 'owner', brandIds, email: org.email })
      return await fn({ actor, db: tx.db, requestId: 'assert' })
    } catch (err) {
      if (err instanceof AppError) return err
      throw err
    } finally {
      await tx.rollback()
    }
  }

  t.test('returns the rows in the order given (duplicates kept), [] for none', async (t) => {
    const rows = await asActor(null, (ctx) => h.app.brands.assertBrands(ctx, [b.id, a.id, b.id])) as any[]
    t.same(rows.map((r) => r.name), ['B', 'A', 'B'])
    t.same(await asActor(null, (ctx) => h.app.brands.assertBrands(ctx, [])), [])
    t.match(await asActor(null, (ctx) => h.app.brands.assertBrand(ctx, a.id)), { id: a.id, name: 'A' })
  })

  t.test('names every unknown, foreign or ungranted id under the given path', async (t) => {
    const err = await asActor(null, (ctx) => h.app.brands.assertBrands(ctx, [a.id, foreign.id, randomUUID()], 'targets/brandIds')) as AppError
    t.type(err, AppError)
    t.equal(err.code, 'HERALD_NOT_FOUND')
    t.same(err.errors, [{ path: 'targets/brandIds/1', message: 'brand not found' }, { path: 'targets/brandIds/2', message: 'brand not found' }])
    const limited = await asActor([a.id], (ctx) => h.app.brands.assertBrands(ctx, [a.id, b.id])) as AppError
    t.same(limited.errors, [{ path: 'brandIds/1', message: 'brand not found' }], 'an ungranted brand reads as unknown')
    const one = await asActor([a.id], (ctx) => h.app.brands.assertBrand(ctx, b.id)) as AppError
    t.match(one, { code: 'HERALD_NOT_FOUND', errors: [{ path: 'brandId' }] })
    const foreignOne = await asActor(null, (ctx) => h.app.brands.assertBrand(ctx, foreign.id, 'campaign/brandId')) as AppError
    t.match(foreignOne, { code: 'HERALD_NOT_FOUND', errors: [{ path: 'campaign/brandId' }] })
  })

  t.test('members and API keys use it: every bad id is named', async (t) => {
    const payload = { email: 'grant@example.com', role: 'client', brandIds: [a.id, foreign.id, randomUUID()] }
    const res = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(org.token), payload })
    t.equal(res.statusCode, 404)
    t.same(json(res).errors.map((e: any) => e.path), ['brandIds/1', 'brandIds/2'])
    const key = await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(org.token), payload: { name: 'k', scopes: ['brands:read'], brandIds: [foreign.id, a.id] } })
    t.equal(key.statusCode, 404)
    t.same(json(key).errors.map((e: any) => e.path), ['brandIds/0'])
    t.equal((await h.sql('SELECT count(*)::int AS n FROM api_keys WHERE organization_id = $1', [org.orgId]))[0].n, 0, 'nothing created')
  })
})
