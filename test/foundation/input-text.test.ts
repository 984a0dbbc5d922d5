import t from 'tap'
import type { RouteOptions } from 'fastify'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { createSocialAccount } from '../factories-campaigns.js'
import { CLIENT_ONLY, createGuestLink, submittedItem, usePolicy } from '../factories-review.js'
import { MAX_DEPTH } from '../../src/lib/text-input.js'

// Text PostgreSQL cannot store (NUL, which text refuses; a lone surrogate, which jsonb refuses)
// used to reach the database and answer 500. It is refused at the edge with 400 naming where it
// is: JSON bodies (fields and field names), query strings, path parameters, CSV cells, GraphQL
// variables and literals. The first test walks the route table, so routes added later are
// covered the day they are merged.

const NUL = 'a\u0000b'
const LONE = 'a\ud800b'
const UNKNOWN = '7d3f5c1e-2b4a-4e6f-9a8b-0c1d2e3f4a5b'

t.test('text PostgreSQL cannot store is a 400 naming where it is', async (t) => {
  const h = await createTestApp(t, { RATE_LIMIT_MAX: '100000', RATE_LIMIT_ANON_MAX: '100000' })
  const owner = await signup(h, 'text')
  const brand = await createBrand(h, owner)
  await usePolicy(h, owner, brand.id, CLIENT_ONLY)
  const { item, requestId } = await submittedItem(h, owner, brand.id)
  const guest = await createGuestLink(h, owner, requestId)
  const auth = (route: RouteOptions) => {
    const mode = (route.config as any)?.auth
    return mode === 'public' ? {} : bearer(mode === 'guest' ? guest.token : owner.token)
  }
  const refused = (t: any, res: any, what: string, paths: string[]) => {
    t.equal(res.statusCode, 400, `${what}: 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`)
    const body = json(res)
    t.equal(body.code, 'HERALD_VALIDATION', `${what}: HERALD_VALIDATION`)
    t.same(body.errors?.map((e: any) => e.path), paths, `${what}: names ${paths.join(', ')}`)
    return body
  }

  t.test('on every route: a JSON field, a field name, a query parameter, a path parameter', async (t) => {
    const routes = h.app.routeTable.filter((r) => r.url.startsWith('/v1/'))
    const fill = (url: string, value: string) => url.replace(/:([A-Za-z]+)/g, () => value)
    let bodies = 0
    for (const route of routes) {
      for (const method of [route.method].flat().filter((m) => !['HEAD', 'OPTIONS'].includes(m))) {
        const name = `${method} ${route.url}`
        const url = fill(route.url, UNKNOWN)
        if (['POST', 'PATCH', 'PUT'].includes(method) && route.schema?.body !== undefined) {
          bodies++
          const res = await h.inject({ method: method as any, url, headers: { ...auth(route), 'content-type': 'application/json' }, payload: JSON.stringify({ ok: 'fine', nested: { list: ['x', NUL] }, [`key${NUL}`]: 1, lone: LONE }) })
          refused(t, res, `${name} body`, ['nested/list/1', `key${NUL}`, 'lone'])
        }
        // Operations without query parameters also call it unknown: a second error, same path.
        const query = await h.inject({ method: method as any, url: `${url}?heraldText=a%00b`, headers: auth(route) })
        t.equal(query.statusCode, 400, `${name} query: 400`)
        t.ok(json(query).errors?.some((e: any) => e.path === 'heraldText' && /NUL/.test(e.message)), `${name} query: names heraldText`)
        if (route.url.includes(':')) {
          const res = await h.inject({ method: method as any, url: fill(route.url, 'a%00b'), headers: auth(route) })
          t.equal(res.statusCode, 400, `${name} path: 400`)
          t.equal(json(res).code, 'HERALD_VALIDATION')
        }
      }
    }
    t.ok(bodies >= 20, `${bodies} routes with a body`)
  })

  t.test('the requests from the issue, and a lone surrogate in a title', async (t) => {
    const H = bearer(owner.token)
    refused(t, await h.inject({ method: 'POST', url: '/v1/brands', headers: H, payload: { name: NUL, timeZone: 'Europe/Paris' } }), 'brand name', ['name'])
    refused(t, await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: NUL, name: 'Ann', email: 'ann.nul@example.com', password: 'correct horse battery' } }), 'signup', ['organizationName'])
    refused(t, await h.inject({ method: 'POST', url: '/v1/campaigns', headers: H, payload: { brandId: brand.id, name: NUL, objective: 'awareness' } }), 'campaign', ['name'])
    refused(t, await h.inject({ method: 'POST', url: '/v1/content-items', headers: H, payload: { brandId: brand.id, title: 'ok', kind: 'post', labels: ['fine', NUL] } }), 'content label', ['labels/1'])
    refused(t, await h.inject({ method: 'POST', url: `/v1/content-items/${item.id}/comments`, headers: H, payload: { body: NUL, visibility: 'shared' } }), 'comment', ['body'])
    // JSON escapes a lone surrogate as \ud800: valid JSON, not valid Unicode.
    const lone = await h.inject({ method: 'POST', url: '/v1/content-items', headers: { ...H, 'content-type': 'application/json' }, payload: `{"brandId":"${brand.id}","title":"caf\\ud800","kind":"post"}` })
    t.match(refused(t, lone, 'lone surrogate', ['title']).errors[0].message, /unpaired surrogate \(U\+D800\)/)
    t.match(json(lone).detail, /^body field title: /)
    const rows = await h.sql("SELECT count(*)::int AS n FROM content_items WHERE title LIKE 'caf%'")
    t.equal(rows[0].n, 0, 'nothing was stored')
    refused(t, await h.inject({ method: 'GET', url: '/v1/brands?cursor=a%00b', headers: H }), 'query', ['cursor'])
    refused(t, await h.inject({ method: 'GET', url: '/v1/content-items?label=%ED%A0%80x&label=ok%00', headers: H }), 'repeated query parameter', ['label/1'])
  })

  t.test('nesting deeper than any wire shape is refused before it is walked', async (t) => {
    // Written out, since JSON.stringify itself would overflow the stack at this depth.
    const deep = `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`
    const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: `{"name":"Deep","timeZone":"Europe/Paris","extra":${deep}}` })
    const body = refused(t, res, 'deep', [`extra${'/0'.repeat(MAX_DEPTH - 1)}`])
    t.match(body.errors[0].message, `nested deeper than ${MAX_DEPTH} levels`)
  })

  t.test('CSV import: the cell is named by item, CSV line and column', async (t) => {
    const account = await createSocialAccount(h, owner, brand.id)
    // Line 2 is a post whose body spans two lines; line 4 is empty; the NUL is on line 5.
    const csv = `brandId,title,kind,body,socialAccountIds\n${brand.id},First,post,"two\nlines",${account.id}\n\n${brand.id},Bad ${NUL},post,hi,${account.id}\n`
    const res = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(owner.token), 'content-type': 'text/csv' }, payload: csv })
    const body = refused(t, res, 'CSV cell', ['items/1/title'])
    t.equal(body.errors[0].message, 'must not contain the NUL character (U+0000) (CSV line 5, column title)')
    const header = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: { ...bearer(owner.token), 'content-type': 'text/csv' }, payload: `brandId,ti\u0000tle\n${brand.id},x\n` })
    refused(t, header, 'CSV header', ['columns/1'])
    const jsonBulk = await h.inject({ method: 'POST', url: '/v1/content-items/bulk', headers: bearer(owner.token), payload: { items: [{ brandId: brand.id, title: 'ok', kind: 'post' }, { brandId: brand.id, title: NUL, kind: 'post' }] } })
    refused(t, jsonBulk, 'JSON bulk', ['items/1/title'])
  })

  t.test('GraphQL: variables (POST and GET), inline literals, the document', async (t) => {
    const H = { ...bearer(owner.token), 'content-type': 'application/json' }
    const count = async () => (await h.sql('SELECT count(*)::int AS n FROM brands WHERE organization_id = $1', [owner.orgId]))[0].n
    const before = await count()
    const mutation = 'mutation($input: CreateBrandInput!) { createBrand(input: $input) { id } }'
    const post = await h.inject({ method: 'POST', url: '/graphql', headers: H, payload: JSON.stringify({ query: mutation, variables: { input: { name: NUL, timeZone: 'Europe/Paris' } } }) })
    t.equal(post.statusCode, 400)
    t.match(json(post).errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'variables/input/name' }] })
    const query = 'query($label: String) { contentItems(label: $label) { edges { node { id } } } }'
    const get = await h.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent('{"label":"name\\u0000"}')}`, headers: { ...bearer(owner.token), 'mercurius-require-preflight': 'true' } })
    t.equal(get.statusCode, 400)
    t.match(json(get).errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'variables/label' }] })
    const literal = await h.inject({ method: 'POST', url: '/graphql', headers: H, payload: JSON.stringify({ query: 'mutation { createBrand(input: { name: "a\\u0000b", timeZone: "Europe/Paris" }) { id } }' }) })
    t.equal(literal.statusCode, 400)
    t.match(json(literal).errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'createBrand/input/name', message: /NUL character \(U\+0000\) \(line 1, column \d+\)/ }] })
    const raw = await h.inject({ method: 'POST', url: '/graphql', headers: H, payload: JSON.stringify({ query: `{ viewer { kind } } # ${NUL}` }) })
    t.equal(raw.statusCode, 400)
    t.match(json(raw).errors[0].extensions, { code: 'HERALD_VALIDATION', errors: [{ path: 'query' }] })
    t.equal(await count(), before, 'no brand was created')
  })
})
