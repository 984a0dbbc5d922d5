// /docs and /graphiql without a browser (test/browser/pages.test.ts drives them in one): every
// script and stylesheet they load comes from this server, under the docs CSP, and GraphiQL is
// gone when it is switched off.
import t from 'tap'
import { createTestApp } from '../helper.js'
import { DOCS_CSP } from '../../src/plugins/security.js'

const assetsOf = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])

t.test('the docs pages load only their own assets', async (t) => {
  const h = await createTestApp(t)
  for (const page of ['/docs/', '/graphiql']) {
    const res = await h.app.inject({ method: 'GET', url: page })
    t.equal(res.statusCode, 200, page)
    t.equal(res.headers['content-security-policy'], DOCS_CSP, `${page}: the docs CSP`)
    const assets = assetsOf(res.body).filter((a) => !a.startsWith('data:'))
    t.ok(assets.length >= 3, `${page} loads ${assets.join(', ')}`)
    for (const asset of assets) {
      t.notMatch(asset, /^(https?:)?\/\//, `${page}: ${asset} is on this server`)
      const url = new URL(asset, `http://127.0.0.1${page}`).pathname
      const got = await h.app.inject({ method: 'GET', url })
      t.equal(got.statusCode, 200, `${url} is served`)
      t.match(got.headers['content-type'], /^(text\/css|(text|application)\/javascript|image\/png)/, `${url} has its type`)
    }
  }
  t.equal((await h.app.inject({ method: 'GET', url: '/graphiql/nothing.js' })).statusCode, 404)
  t.notMatch((await h.app.inject({ method: 'GET', url: '/graphiql/herald.js' })).body, /unpkg|cdn/i)
})

t.test('GRAPHIQL=false: no GraphiQL', async (t) => {
  const h = await createTestApp(t, { GRAPHIQL: 'false' })
  t.equal((await h.app.inject({ method: 'GET', url: '/graphiql' })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'GET', url: '/graphiql/graphiql.js' })).statusCode, 404)
})

// The document is parsed on first use (not at start-up): every route that serves it, in any
// order, serves the same document as openapi.yaml.
t.test('the OpenAPI document is served the same from every route, parsed on first use', async (t) => {
  const { readFileSync } = await import('node:fs')
  const { parse } = await import('yaml')
  const { openapiPath } = await import('../../src/plugins/openapi.js')
  const expected = parse(readFileSync(openapiPath, 'utf8'))
  const h = await createTestApp(t)
  const viaUi = await h.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(viaUi.statusCode, 200, 'Swagger UI\'s own route answers before /openapi.json was asked')
  t.same(viaUi.json(), expected)
  const yaml = await h.app.inject({ method: 'GET', url: '/docs/yaml' })
  t.equal(yaml.statusCode, 200)
  t.same(parse(yaml.body), expected)
  const json = await h.app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(json.statusCode, 200)
  t.same(json.json(), expected)
})
