import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { addMember, createApiKey, signup } from '../factories.js'
import { PLATFORMS } from '../../src/db/tables/social-accounts.js'
import { PLATFORM_FACTS } from '../../src/modules/platforms/platform-facts.js'

t.test('platforms', async (t) => {
  const h = await createTestApp(t)
  const owner = await signup(h, 'plat')
  const client = await addMember(h, owner, 'client', [])
  // A key with one unrelated scope: the rules need no scope of their own.
  const key = await createApiKey(h, owner, ['metrics:read'])
  const gql = async (token: string | null, query: string, variables?: Record<string, unknown>) =>
    await h.inject({ method: 'POST', url: '/graphql', headers: token ? bearer(token) : {}, payload: { query, variables } })

  t.test('GET /v1/platforms lists every platform, cacheable with an ETag', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/platforms', headers: bearer(owner.token) })
    t.equal(res.statusCode, 200)
    const body = json(res)
    t.same(body.data.map((p: any) => p.platform).sort(), [...PLATFORMS].sort())
    t.equal(body.nextCursor, null)
    const x = body.data.find((p: any) => p.platform === 'x')
    t.match(x, { displayName: 'X', text: { maxLength: 280, counting: 'weighted', urlLength: 23 }, hashtags: null })
    t.same(x.kinds.map((k: any) => k.kind), Object.keys(PLATFORM_FACTS.x.kinds))
    t.same(x.kinds[0].media, [{ types: ['image'], min: 0, max: 4 }, { types: ['gif'], min: 1, max: 1 }, { types: ['video'], min: 1, max: 1 }])
    const ig = body.data.find((p: any) => p.platform === 'instagram')
    t.match(ig, { media: { min: 1, max: 10 }, hashtags: { max: 5 }, link: { attachment: false, clickableInText: false } })
    t.ok(ig.sources.some((s: any) => s.verified === false), 'unverified facts are marked as such')
    t.equal(res.headers['cache-control'], 'private, max-age=3600')
    const etag = res.headers.etag as string
    t.match(etag, /^"[0-9a-f]{20}"$/)

    const again = await h.inject({ method: 'GET', url: '/v1/platforms', headers: { ...bearer(owner.token), 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    t.equal(again.headers.etag, etag)
    const weak = await h.inject({ method: 'GET', url: '/v1/platforms', headers: { ...bearer(owner.token), 'if-none-match': `"0", W/${etag}` } })
    t.equal(weak.statusCode, 304, 'If-None-Match compares weakly')
    const stale = await h.inject({ method: 'GET', url: '/v1/platforms', headers: { ...bearer(owner.token), 'if-none-match': '"00000000000000000000"' } })
    t.equal(stale.statusCode, 200)
  })

  t.test('any credential may read the rules; none is a 401', async (t) => {
    for (const token of [client.token, key.secret]) {
      const res = await h.inject({ method: 'GET', url: '/v1/platforms/bluesky', headers: bearer(token) })
      t.equal(res.statusCode, 200)
      t.match(json(res), { platform: 'bluesky', text: { maxLength: 300, counting: 'graphemes', maxBytes: 3000 } })
    }
    for (const [method, url] of [['GET', '/v1/platforms'], ['GET', '/v1/platforms/x'], ['POST', '/v1/platforms/check']] as const) {
      const res = await h.inject({ method, url, ...(method === 'POST' ? { payload: { platform: 'x', content: { kind: 'post', body: 'hi' } } } : {}) })
      t.equal(res.statusCode, 401, `${method} ${url}`)
      t.equal(json(res).code, 'HERALD_UNAUTHENTICATED')
    }
    const bad = await h.inject({ method: 'GET', url: '/v1/platforms', headers: bearer('hrld_AAAAAAAAAAAA_' + 'a'.repeat(40)) })
    t.equal(bad.statusCode, 401)
    const anon = await gql(null, '{ platforms { platform } }')
    t.equal(anon.statusCode, 401)
  })

  t.test('GET /v1/platforms/{platform}: one platform, its own ETag; unknown is a 404', async (t) => {
    const res = await h.inject({ method: 'GET', url: '/v1/platforms/youtube', headers: bearer(owner.token) })
    t.equal(res.statusCode, 200)
    t.match(json(res), { platform: 'youtube', text: { maxLength: 5000, counting: 'bytes', forbiddenCharacters: ['<', '>'] }, hashtags: { max: 60 } })
    t.equal(res.headers['cache-control'], 'private, max-age=3600')
    const list = await h.inject({ method: 'GET', url: '/v1/platforms', headers: bearer(owner.token) })
    t.not(res.headers.etag, list.headers.etag)
    const cached = await h.inject({ method: 'GET', url: '/v1/platforms/youtube', headers: { ...bearer(owner.token), 'if-none-match': res.headers.etag as string } })
    t.equal(cached.statusCode, 304)

    const unknown = await h.inject({ method: 'GET', url: '/v1/platforms/myspace', headers: bearer(owner.token) })
    t.equal(unknown.statusCode, 404)
    t.equal(json(unknown).code, 'HERALD_NOT_FOUND')
    t.match(json(unknown).detail, /"myspace" was not found; the platforms are instagram, .*bluesky/)
    t.equal((await h.inject({ method: 'GET', url: '/v1/platforms/X', headers: bearer(owner.token) })).statusCode, 404, 'names are lower case')
    const long = await h.inject({ method: 'GET', url: `/v1/platforms/${'x'.repeat(65)}`, headers: bearer(owner.token) })
    t.equal(long.statusCode, 400)
    t.equal(json(long).errors[0].path, 'platform')
    const query = await h.inject({ method: 'GET', url: '/v1/platforms?limit=5', headers: bearer(owner.token) })
    t.equal(query.statusCode, 400, 'the catalogue takes no query parameters')
    t.equal(json(query).errors[0].path, 'limit')
  })

  t.test('POST /v1/platforms/check: violations name the limit, counts follow the platform', async (t) => {
    const ok = await h.inject({
      method: 'POST',
      url: '/v1/platforms/check',
      headers: bearer(client.token),
      payload: { platform: 'x', content: { kind: 'post', body: 'Spring menu 🌸', hashtags: ['coffee'], link: 'https://lumencoffee.com/spring', media: [{ url: 'https://cdn.lumencoffee.com/a.jpg', type: 'image', altText: 'Cups' }] } }
    })
    t.equal(ok.statusCode, 200)
    t.same(json(ok), {
      platform: 'x',
      valid: true,
      violations: [],
      // "Spring menu 🌸" 12 + 2 (emoji) = 14; + 2 + 23 (link) + 2 + 7 (#coffee) = 48
      counts: { counting: 'weighted', textLength: 48, textLimit: 280, postLengths: [48], bodyLength: 14, firstCommentLength: null, firstCommentLimit: 280, hashtagCount: 1, hashtagLimit: null, mediaCount: 1, linkCount: 1 }
    })

    const bad = await h.inject({
      method: 'POST',
      url: '/v1/platforms/check',
      headers: bearer(key.secret),
      payload: { platform: 'instagram', content: { kind: 'thread', body: 'a'.repeat(2201), firstComment: 'ok', hashtags: ['a', 'b', 'c', 'd', 'e', 'f'] } }
    })
    t.equal(bad.statusCode, 200)
    const result = json(bad)
    t.equal(result.valid, false)
    // 2,201 + a blank line + "#a #b #c #d #e #f" (17) = 2,220.
    t.same(result.violations, [
      { field: 'kind', kind: 'limit', message: 'Instagram does not accept a thread; it accepts post, carousel, reel and story' },
      { field: 'body', kind: 'limit', message: 'body is 2,220 characters with 6 hashtags appended; Instagram allows at most 2,200' },
      { field: 'hashtags', kind: 'limit', message: "this target has 6 hashtags (the hashtags list and the body's #tags, each counted once); Instagram allows at most 5" }
    ])
    t.match(result.counts, { counting: 'characters', bodyLength: 2201, textLength: 2220, firstCommentLength: 2, hashtagCount: 6, hashtagLimit: 5 })

    const bluesky = json(await h.inject({ method: 'POST', url: '/v1/platforms/check', headers: bearer(owner.token), payload: { platform: 'bluesky', content: { kind: 'post', body: '👩‍👩‍👧‍👦 hi' } } }))
    t.equal(bluesky.counts.textLength, 4, 'an emoji ZWJ family is one grapheme')
  })

  t.test('POST /v1/platforms/check: bad input is a 400 naming the field', async (t) => {
    const cases: Array<[unknown, string]> = [
      [{ content: { kind: 'post' } }, 'platform'],
      [{ platform: 'myspace', content: { kind: 'post' } }, 'platform'],
      [{ platform: 'x' }, 'content'],
      [{ platform: 'x', content: { body: 'hi' } }, 'content/kind'],
      [{ platform: 'x', content: { kind: 'tweet' } }, 'content/kind'],
      [{ platform: 'x', content: { kind: 'post', body: 42 } }, 'content/body'],
      [{ platform: 'x', content: { kind: 'post', media: [{ url: 'not a url', type: 'image' }] } }, 'content/media/0/url'],
      [{ platform: 'x', content: { kind: 'post', media: [{ url: 'ftp://cdn.example.com/a', type: 'image' }] } }, 'content/media/0/url'],
      [{ platform: 'x', content: { kind: 'post', media: [{ url: 'https://cdn.example.com/a', type: 'sticker' }] } }, 'content/media/0/type'],
      [{ platform: 'x', content: { kind: 'post', media: [{ url: 'https://cdn.example.com/a', type: 'image', caption: 'x' }] } }, 'content/media/0/caption'],
      [{ platform: 'x', content: { kind: 'post', hashtags: [''] } }, 'content/hashtags/0'],
      [{ platform: 'x', content: { kind: 'post', link: 'javascript:alert(1)' } }, 'content/link'],
      [{ platform: 'x', content: { kind: 'post', title: 'internal' } }, 'content/title'],
      [{ platform: 'x', content: { kind: 'post' }, dryRun: true }, 'dryRun'],
      // Oversized: strings and arrays over their bounds.
      [{ platform: 'x', content: { kind: 'post', body: 'a'.repeat(100_001) } }, 'content/body'],
      [{ platform: 'x', content: { kind: 'post', firstComment: 'a'.repeat(100_001) } }, 'content/firstComment'],
      [{ platform: 'x', content: { kind: 'post', hashtags: Array(101).fill('tag') } }, 'content/hashtags'],
      [{ platform: 'x', content: { kind: 'post', hashtags: ['a'.repeat(201)] } }, 'content/hashtags/0'],
      [{ platform: 'x', content: { kind: 'post', media: Array(51).fill({ url: 'https://cdn.example.com/a', type: 'image' }) } }, 'content/media'],
      [{ platform: 'x', content: { kind: 'post', media: [{ url: `https://cdn.example.com/${'a'.repeat(2048)}`, type: 'image' }] } }, 'content/media/0/url']
    ]
    for (const [payload, path] of cases) {
      const res = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers: bearer(owner.token), payload: payload as object })
      t.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 120))
      t.equal(json(res).code, 'HERALD_VALIDATION')
      t.ok(json(res).errors.some((e: any) => e.path === path), `names ${path}: ${JSON.stringify(json(res).errors).slice(0, 200)}`)
    }
    const huge = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: JSON.stringify({ platform: 'x', content: { kind: 'post', body: 'a'.repeat(1024 * 1024) } }) })
    t.equal(huge.statusCode, 413)
    t.equal(json(huge).code, 'HERALD_PAYLOAD_TOO_LARGE')
    const text = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers: { ...bearer(owner.token), 'content-type': 'text/plain' }, payload: 'x' })
    t.equal(text.statusCode, 415)
    const notJson = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers: { ...bearer(owner.token), 'content-type': 'application/json' }, payload: '{"platform":' })
    t.equal(notJson.statusCode, 400)
  })

  t.test('the check writes nothing; an Idempotency-Key replays it', async (t) => {
    const before = await h.sql('SELECT count(*)::int AS n FROM events')
    const headers = { ...bearer(owner.token), 'idempotency-key': 'check-0001' }
    const payload = { platform: 'threads', content: { kind: 'post', body: '😀'.repeat(126) } }
    const first = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers, payload })
    const again = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers, payload })
    t.equal(first.statusCode, 200)
    t.equal(json(first).violations[0].message, 'body is 504 characters as Threads counts them (an emoji counts as its UTF-8 bytes); Threads allows at most 500')
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(json(again), json(first))
    const other = await h.inject({ method: 'POST', url: '/v1/platforms/check', headers, payload: { ...payload, platform: 'x' } })
    t.equal(other.statusCode, 422)
    const after = await h.sql('SELECT count(*)::int AS n FROM events')
    t.equal(after[0].n, before[0].n, 'no event written')
  })

  t.test('GraphQL: platforms, platform(name) and checkPlatformContent', async (t) => {
    const all = await gql(key.secret, '{ platforms { platform displayName text { maxLength counting urlLength maxBytes } kinds { kind media { types min max } } firstComment { maxLength } hashtags { max } link { attachment maxLinks } sources { url verified } } }')
    t.equal(all.statusCode, 200)
    const data = json(all).data.platforms
    const rest = json(await h.inject({ method: 'GET', url: '/v1/platforms', headers: bearer(owner.token) })).data
    t.same(data.map((p: any) => p.platform), rest.map((p: any) => p.platform), 'same catalogue, same order as REST')
    t.match(data.find((p: any) => p.platform === 'threads'), { text: { maxLength: 500, counting: 'characters_emoji_utf8', urlLength: null }, hashtags: { max: 1 }, link: { maxLinks: 5 } })
    t.equal(data.find((p: any) => p.platform === 'tiktok').firstComment, null)

    const one = await gql(owner.token, 'query($p: Platform!) { platform(name: $p) { platform text { maxLength } kinds { kind text { maxLength } } } }', { p: 'tiktok' })
    t.same(json(one).data.platform.kinds.find((k: any) => k.kind === 'carousel'), { kind: 'carousel', text: { maxLength: 4000 } })
    const unknown = await gql(owner.token, '{ platform(name: myspace) { platform } }')
    t.equal(unknown.statusCode, 400)
    t.equal(json(unknown).errors[0].extensions.code, 'HERALD_VALIDATION')

    const check = await gql(client.token, `query($c: PlatformCheckContentInput!) {
      checkPlatformContent(platform: x, content: $c) { platform valid violations { field message kind } counts { textLength textLimit mediaCount hashtagCount } } }`,
    { c: { kind: 'post', body: 'a'.repeat(281), media: [{ url: 'https://cdn.example.com/a.png', type: 'image', altText: null }], firstComment: null } })
    t.equal(check.statusCode, 200)
    t.same(json(check).data.checkPlatformContent, {
      platform: 'x',
      valid: false,
      violations: [{ field: 'body', kind: 'limit', message: 'body is 281 characters as X counts them; X allows at most 280' }],
      counts: { textLength: 281, textLimit: 280, mediaCount: 1, hashtagCount: 0 }
    })
    const invalid = await gql(owner.token, '{ checkPlatformContent(platform: x, content: { kind: post, link: "nope" }) { valid } }')
    t.equal(json(invalid).errors[0].extensions.code, 'HERALD_VALIDATION')
    t.same(json(invalid).errors[0].extensions.errors.map((e: any) => e.path), ['content/link'])
  })
})
