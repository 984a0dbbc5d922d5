import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { MAX_FIELD_ERRORS } from '../../src/lib/errors.js'

// The `errors` list of a problem: one entry per unknown field, each with its own path (it used
// to be one entry named "organizationId,version"), and at most MAX_FIELD_ERRORS entries, with
// `errorsOmitted` saying how many more there were (a 40,000-key body answered 40,000 errors).

t.test('field errors in problems', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'problems')
  const brand = await createBrand(h, owner)
  const H = bearer(owner.token)

  t.test('each unknown field is named by its own path: body, nested body, query string', async (t) => {
    const top = await h.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: 'Lumen', timeZone: 'Europe/Paris', organizationId: owner.orgId, version: 3 } })
    t.equal(top.statusCode, 400)
    t.same(json(top).errors, [{ path: 'organizationId', message: 'unknown field' }, { path: 'version', message: 'unknown field' }])
    t.equal(json(top).detail, 'body field organizationId: unknown field; body field version: unknown field')
    const nested = await h.inject({ method: 'POST', url: '/v1/content-items', headers: H, payload: { brandId: brand.id, title: 'T', kind: 'post', targets: [{ socialAccountId: brand.id, status: 'x', id: 'y' }] } })
    t.equal(nested.statusCode, 400)
    t.same(json(nested).errors.map((e: any) => e.path).filter((p: string) => /status|id$/.test(p)), ['targets/0/status', 'targets/0/id'])
    const query = await h.inject({ method: 'GET', url: '/v1/brands?owner=1&deleted=2', headers: H })
    t.same(json(query).errors.map((e: any) => e.path), ['owner', 'deleted'])
    t.equal(json(query).detail, 'query parameter owner: unknown field; query parameter deleted: unknown field')
    const gql = await h.inject({ method: 'POST', url: '/graphql', headers: H, payload: { query: '{ viewer { kind } }', id: 'x', persisted: true } })
    t.equal(gql.statusCode, 400)
    t.same(json(gql).errors[0].extensions.errors.map((e: any) => e.path), ['id', 'persisted'])
  })

  t.test('every /v1 operation refuses a query parameter it does not take, naming it', async (t) => {
    const routes = h.app.routeTable.filter((r) => r.url.startsWith('/v1/') && (r.config as any)?.auth !== 'guest')
    let without = 0
    for (const route of routes) {
      for (const method of [route.method].flat().filter((m) => !['HEAD', 'OPTIONS'].includes(m))) {
        if (!route.schema?.querystring) without++
        const url = `${route.url.replace(/:([A-Za-z]+)/g, '7d3f5c1e-2b4a-4e6f-9a8b-0c1d2e3f4a5b')}?force=true`
        const res = await h.inject({ method: method as any, url, headers: (route.config as any)?.auth === 'public' ? {} : H })
        t.equal(res.statusCode, 400, `${method} ${route.url}?force=true`)
        t.equal(json(res).code, 'HERALD_VALIDATION')
        t.ok(json(res).errors?.some((e: any) => e.path === 'force' && e.message === 'unknown field'), 'names it')
      }
    }
    t.ok(without >= 20, `${without} operations take no query parameters`)
  })

  t.test('a 40,000-key body answers 100 errors and how many more there were', async (t) => {
    const keys = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i]))
    const flat = await h.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: 'Lumen', timeZone: 'Europe/Paris', ...keys } })
    t.equal(flat.statusCode, 400)
    const body = json(flat)
    t.equal(body.errors.length, MAX_FIELD_ERRORS)
    t.equal(body.errorsOmitted, 40_000 - MAX_FIELD_ERRORS)
    t.same(body.errors.slice(0, 2), [{ path: 'k0', message: 'unknown field' }, { path: 'k1', message: 'unknown field' }])
    t.match(body.detail, /; and 39990 more \(see errors\)$/)
    t.ok(flat.body.length < 20_000, `${flat.body.length} bytes`)
    const bulk = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: H, payload: { items: [{ brandId: brand.id, title: 'T', kind: 'post', ...keys }] } })
    t.equal(bulk.statusCode, 400)
    t.equal(json(bulk).errors.length, MAX_FIELD_ERRORS)
    t.equal(json(bulk).errorsOmitted, 40_000 - MAX_FIELD_ERRORS)
    t.equal(json(bulk).errors[0].path, 'items/0/k0')
    const gql = await h.inject({ method: 'POST', url: '/graphql', headers: H, payload: { query: '{ viewer { kind } }', ...keys } })
    t.equal(gql.statusCode, 400)
    t.equal(json(gql).errors[0].extensions.errors.length, MAX_FIELD_ERRORS)
    t.equal(json(gql).errors[0].extensions.errorsOmitted, 40_000 - MAX_FIELD_ERRORS)
    const few = await h.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: 'Lumen', timeZone: 'Europe/Paris', a: 1 } })
    t.notOk('errorsOmitted' in json(few), 'no errorsOmitted when nothing was left out')
  })

  t.test('a long unknown field name is shortened in the reply', async (t) => {
    const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: 'Lumen', timeZone: 'Europe/Paris', ['k'.repeat(20_000)]: 1 } })
    t.equal(res.statusCode, 400)
    t.equal(json(res).errors[0].path, `${'k'.repeat(300)}…`)
    t.ok(json(res).detail.length < 1000)
  })
})
