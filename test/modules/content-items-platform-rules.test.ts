import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { createSocialAccount } from '../factories-campaigns.js'
import { reviewer } from '../factories-content.js'

// The platform rules seen through content items, end to end: every rule is checked on every
// write (400 naming the target and field, with the limit), whatever the item's status.
t.test('content items obey each target\'s platform rules', async (t) => {
  const h = await createTestApp(t)
  const a = await signup(h, 'rules')
  await reviewer(h, a) // submitting needs an approver other than the author
  const brand = await createBrand(h, a, 'Rules', 'UTC')
  const x = (await createSocialAccount(h, a, brand.id, { platform: 'x', handle: 'rules_x' })).id
  const li = (await createSocialAccount(h, a, brand.id, { platform: 'linkedin', handle: 'rules-li' })).id
  const ig = (await createSocialAccount(h, a, brand.id, { platform: 'instagram', handle: 'rules.ig' })).id
  const post = async (payload: object) => await h.inject({ method: 'POST', url: '/v1/content-items', headers: bearer(a.token), payload: { brandId: brand.id, title: 'T', kind: 'post', ...payload } })

  t.test('over X\'s 280 characters: 400 at targets/<i>/body naming the limit; LinkedIn takes it', async (t) => {
    const long = 'a'.repeat(281)
    const res = await post({ body: long, targets: [{ socialAccountId: li }, { socialAccountId: x }] })
    t.equal(res.statusCode, 400)
    const body = json(res)
    t.equal(body.code, 'HERALD_VALIDATION')
    t.same(body.errors.map((e: any) => e.path), ['targets/1/body'])
    t.match(body.errors[0].message, /281 characters as X counts them; X allows at most 280/)
    t.equal((await h.sql('SELECT count(*)::int AS n FROM content_items WHERE brand_id = $1', [brand.id]))[0].n, 0, 'nothing was created')

    const fixed = await post({ body: long, targets: [{ socialAccountId: li }, { socialAccountId: x, body: 'The short version for X' }] })
    t.equal(fixed.statusCode, 201, 'a per-target override fixes it')
  })

  t.test('X counts a URL as 23 characters', async (t) => {
    const url = `https://example.com/${'p'.repeat(300)}`
    const res = await post({ body: `${'a'.repeat(250)} ${url}`, targets: [{ socialAccountId: x }] })
    t.equal(res.statusCode, 201, '250 + 1 + 23 = 274 ≤ 280 however long the URL is')
  })

  t.test('an edit is checked too, and changes nothing when refused', async (t) => {
    const item = json(await post({ body: 'Short', targets: [{ socialAccountId: x }] }))
    const res = await h.inject({ method: 'PATCH', url: `/v1/content-items/${item.id}`, headers: bearer(a.token), payload: { hashtags: [], body: 'b'.repeat(300) } })
    t.equal(res.statusCode, 400)
    t.same(json(res).errors.map((e: any) => e.path), ['targets/0/body'])
    const now = json(await h.inject({ method: 'GET', url: `/v1/content-items/${item.id}`, headers: bearer(a.token) }))
    t.match(now, { body: 'Short', version: 1, revision: 1 })
  })

  t.test('a kind the platform does not take is 400 at targets/<i>/kind', async (t) => {
    const res = await post({ kind: 'reel', body: 'Reel', targets: [{ socialAccountId: x }] })
    t.equal(res.statusCode, 400)
    t.same(json(res).errors.map((e: any) => e.path), ['targets/0/kind'])
  })

  t.test('Instagram without media: refused, naming targets/<i>/media; a draft idea waits without the target', async (t) => {
    const refused = await post({ body: 'Picture coming', targets: [{ socialAccountId: ig }] })
    t.equal(refused.statusCode, 400)
    t.same(json(refused).errors.map((e: any) => e.path), ['targets/0/media'])
    t.match(json(refused).errors[0].message, /Instagram accepts for a post: 1 image, or 1 video; this target has no media/)
    const idea = await post({ body: 'Picture coming' })
    t.equal(idea.statusCode, 201, 'without targets, an idea can wait for its picture')
    const id = json(idea).id
    const withImage = await h.inject({ method: 'PATCH', url: `/v1/content-items/${id}`, headers: bearer(a.token), payload: { media: [{ url: 'https://cdn.example.com/latte.jpg', type: 'image', altText: 'A latte' }], targets: [{ socialAccountId: ig }] } })
    t.equal(withImage.statusCode, 200)
    t.same(json(withImage).targets.map((x: any) => x.platform), ['instagram'])
  })

  t.test('bulk names the item too: items/<n>/targets/<i>/body', async (t) => {
    const res = await h.inject({
      method: 'POST',
      url: '/v1/content-items/bulk',
      headers: bearer(a.token),
      payload: { items: [{ brandId: brand.id, title: 'ok', kind: 'post', body: 'fine', targets: [{ socialAccountId: x }] }, { brandId: brand.id, title: 'long', kind: 'post', body: 'c'.repeat(400), targets: [{ socialAccountId: li }, { socialAccountId: x }] }] }
    })
    t.equal(res.statusCode, 400)
    t.same(json(res).errors.map((e: any) => e.path), ['items/1/targets/1/body'])
  })
})
