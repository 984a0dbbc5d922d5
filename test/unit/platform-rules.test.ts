import t from 'tap'
import { PLATFORMS, type Platform } from '../../src/db/tables/social-accounts.js'
import type { ContentKind, MediaItem } from '../../src/db/tables/content-items.js'
import { checkTarget, composePosts, inspectTarget, textRuleFor } from '../../src/modules/platforms/check-target.js'
import { PLATFORM_FACTS } from '../../src/modules/platforms/platform-facts.js'
import type { MediaType, TargetContent } from '../../src/modules/platforms/platform-types.js'
import { certainBoundary, countText, EXACT_LIMIT, graphemes, graphemeSegments, X_LIBRARY_CONFIG } from '../../src/modules/platforms/text-counting.js'

// Pure checks of the facts table and the checker: no database, no app.

const media = (type: MediaType, count = 1): MediaItem[] =>
  Array.from({ length: count }, (_, i) => ({ url: `https://cdn.example.com/${type}-${i}`, type }))

/** The smallest media a kind accepts: its first alternative at its minimum. */
function minimalMedia (platform: Platform, kind: ContentKind): MediaItem[] {
  const option = PLATFORM_FACTS[platform].kinds[kind]!.media[0]
  return media(option.types[0], option.min)
}

const target = (over: Partial<TargetContent> = {}): TargetContent =>
  ({ kind: 'post', body: '', media: [], firstComment: null, hashtags: [], link: null, ...over })

const fmt = (n: number) => n.toLocaleString('en-US')

t.test('the documented limits are the ones in the table', async (t) => {
  const limits = Object.fromEntries(PLATFORMS.map((p) => [p, [PLATFORM_FACTS[p].text.maxLength, PLATFORM_FACTS[p].text.counting]]))
  t.same(limits, {
    x: [280, 'weighted'],
    bluesky: [300, 'graphemes'],
    threads: [500, 'characters_emoji_utf8'],
    pinterest: [500, 'characters'],
    instagram: [2200, 'characters'],
    tiktok: [2200, 'utf16'],
    linkedin: [3000, 'characters'],
    youtube: [5000, 'bytes'],
    facebook: [63206, 'characters']
  })
  t.equal(PLATFORM_FACTS.bluesky.text.maxBytes, 3000)
  t.equal(textRuleFor('tiktok', 'carousel').maxLength, 4000, 'TikTok photo descriptions have their own limit')
  t.same(Object.fromEntries(PLATFORMS.map((p) => [p, PLATFORM_FACTS[p].hashtags?.max ?? null])),
    { instagram: 5, facebook: null, threads: 1, x: null, bluesky: null, linkedin: null, tiktok: null, youtube: 60, pinterest: null })
})

t.test('X numbers match the twitter-text library that counts them', async (t) => {
  t.equal(PLATFORM_FACTS.x.text.maxLength, X_LIBRARY_CONFIG.maxWeightedLength)
  t.equal(PLATFORM_FACTS.x.text.urlLength, X_LIBRARY_CONFIG.transformedUrlLength)
})

t.test('every fact has a source, and every kind a media rule', async (t) => {
  for (const p of PLATFORMS) {
    const facts = PLATFORM_FACTS[p]
    t.ok(facts.sources.length > 0, `${p} cites sources`)
    for (const s of facts.sources) t.match(s.url, /^https?:\/\//, `${p}: ${s.about}`)
    t.ok(Object.keys(facts.kinds).length > 0, `${p} accepts some kind`)
    for (const [kind, rule] of Object.entries(facts.kinds)) {
      t.ok(rule!.media.length > 0, `${p} ${kind} has media alternatives`)
      for (const o of rule!.media) t.ok(o.max === null || o.max >= o.min, `${p} ${kind} ${o.types}`)
    }
  }
})

t.test('each platform and kind: exactly the maximum passes, one more fails with a message naming both', async (t) => {
  for (const platform of PLATFORMS) {
    for (const kind of Object.keys(PLATFORM_FACTS[platform].kinds) as ContentKind[]) {
      const max = textRuleFor(platform, kind).maxLength
      const base = { kind, media: minimalMedia(platform, kind) }
      // "a" is one unit in every counting (character, UTF-16 unit, grapheme, byte, weight 1).
      t.same(checkTarget(platform, target({ ...base, body: 'a'.repeat(max) })), [], `${platform} ${kind}: ${max} is allowed`)
      const over = checkTarget(platform, target({ ...base, body: 'a'.repeat(max + 1) }))
      t.equal(over.length, 1, `${platform} ${kind}: ${max + 1} is refused`)
      t.equal(over[0].field, 'body')
      t.match(over[0].message, `body is ${fmt(max + 1)} `)
      t.match(over[0].message, `${PLATFORM_FACTS[platform].displayName} allows at most ${fmt(max)}`)
    }
  }
})

t.test('X weighs URLs as 23 and CJK and emoji as 2', async (t) => {
  const url = `https://example.com/${'p'.repeat(200)}`
  const fits = 'a'.repeat(256) + ' ' + url
  t.ok(fits.length > 280)
  t.equal(countText(fits, 'weighted'), 280, 'a 220-character URL counts 23')
  t.same(checkTarget('x', target({ body: fits })), [])
  t.equal(checkTarget('x', target({ body: 'a' + fits })).length, 1)
  t.equal(countText('https://example.com', 'weighted'), 23, 'a short URL counts 23 too')

  t.same(checkTarget('x', target({ body: '日'.repeat(140) })), [], '140 CJK characters weigh 280')
  const cjk = checkTarget('x', target({ body: '日'.repeat(141) }))
  t.equal(cjk[0].message, 'body is 282 characters as X counts them; X allows at most 280')
  t.same(checkTarget('x', target({ body: '😀'.repeat(140) })), [], '140 emoji weigh 280')
  t.equal(checkTarget('x', target({ body: '😀'.repeat(141) })).length, 1)
  t.equal(countText('👩‍👩‍👧‍👦', 'weighted'), 2, 'an emoji ZWJ sequence weighs 2, however many code points')
})

t.test('Bluesky counts graphemes, so an emoji ZWJ sequence is one, and also caps bytes', async (t) => {
  const family = '👩‍👩‍👧‍👦'
  t.equal(family.length, 11)
  t.equal(graphemes(family), 1)
  t.equal(graphemes('e\u0301'), 1, 'a letter with a combining accent is one grapheme')
  const body = family.repeat(100) + 'a'.repeat(200)
  const ok = inspectTarget('bluesky', target({ body }))
  t.same(ok.violations, [])
  t.equal(ok.counts.textLength, 300)
  const over = checkTarget('bluesky', target({ body: body + 'a' }))
  t.equal(over[0].message, 'body is 301 graphemes (user-perceived characters); Bluesky allows at most 300')
  // 121 families: 121 graphemes but 3,025 bytes, over the lexicon's 3,000.
  const bytes = checkTarget('bluesky', target({ body: family.repeat(121) }))
  t.equal(bytes.length, 1)
  t.equal(bytes[0].message, 'body is 3,025 bytes in UTF-8; Bluesky allows at most 3,000 bytes')
})

t.test('Threads counts an emoji as its UTF-8 bytes', async (t) => {
  t.equal(countText('😀', 'characters_emoji_utf8'), 4)
  t.equal(countText('é😀a', 'characters_emoji_utf8'), 6)
  t.same(checkTarget('threads', target({ body: '😀'.repeat(125) })), [])
  t.match(checkTarget('threads', target({ body: '😀'.repeat(126) }))[0].message, 'body is 504 characters as Threads counts them')
})

t.test('YouTube counts bytes and refuses < and >', async (t) => {
  const video = media('video')
  t.same(checkTarget('youtube', target({ kind: 'video', media: video, body: 'é'.repeat(2500) })), [], '2,500 é are 5,000 bytes')
  t.match(checkTarget('youtube', target({ kind: 'video', media: video, body: 'é'.repeat(2501) }))[0].message, 'body is 5,002 bytes in UTF-8')
  const tags = checkTarget('youtube', target({ kind: 'video', media: video, body: 'Use <b>bold</b>' }))
  t.same(tags, [{ field: 'body', kind: 'limit', message: 'body contains "<" and ">"; YouTube does not allow "<" or ">" in this text' }])
})

t.test('media: counts and types per kind', async (t) => {
  const ig = checkTarget('instagram', target({ body: 'hello' }))
  t.same(ig, [{ field: 'media', kind: 'incomplete', message: 'Instagram accepts for a post: 1 image, or 1 video; this target has no media' }], 'Instagram needs an image or a video')
  t.same(checkTarget('instagram', target({ media: media('image') })), [])
  t.same(checkTarget('instagram', target({ kind: 'carousel', media: [...media('image', 3), ...media('video', 2)] })), [])
  t.match(checkTarget('instagram', target({ kind: 'carousel', media: media('image', 11) }))[0].message, 'this target has 11 images')

  t.same(checkTarget('x', target({ media: media('image', 4) })), [])
  const five = checkTarget('x', target({ media: media('image', 5) }))
  t.same(five, [{ field: 'media', kind: 'limit', message: 'X accepts for a post: up to 4 images, or 1 GIF, or 1 video; this target has 5 images' }])
  t.match(checkTarget('x', target({ media: [...media('image'), ...media('video')] }))[0].message, 'this target has 1 image and 1 video')

  const yt = checkTarget('youtube', target({ kind: 'video', body: 'Trailer' }))
  t.same(yt, [{ field: 'media', kind: 'incomplete', message: 'YouTube accepts for a video: 1 video; this target has no media' }], 'YouTube needs a video')
  t.equal(checkTarget('youtube', target({ kind: 'video', media: media('image') })).length, 1, 'an image is not a video')
  t.equal(checkTarget('youtube', target({ kind: 'video', media: media('video', 2) })).length, 1, 'exactly one video')

  t.same(checkTarget('pinterest', target({ kind: 'carousel', media: media('image', 5) })), [])
  t.match(checkTarget('pinterest', target({ kind: 'carousel', media: media('image', 1) }))[0].message, 'Pinterest accepts for a carousel: 2 to 5 images; this target has 1 image')
  t.same(checkTarget('linkedin', target({ media: media('document') })), [], 'LinkedIn takes a document')
  t.equal(checkTarget('bluesky', target({ media: media('gif') })).length, 1, 'Bluesky has no GIF media type')
  t.same(checkTarget('facebook', target({ media: media('image', 40) })), [], 'no maximum documented for Facebook photos')
})

t.test('a kind the platform does not accept is refused, naming the kinds it accepts', async (t) => {
  const v = checkTarget('instagram', target({ kind: 'thread', body: 'one' }))
  t.same(v, [{ field: 'kind', kind: 'limit', message: 'Instagram does not accept a thread; it accepts post, carousel, reel and story' }])
  t.equal(checkTarget('youtube', target({ kind: 'post', body: 'x' }))[0].field, 'kind')
  t.equal(checkTarget('pinterest', target({ kind: 'story', media: media('image') }))[0].field, 'kind')
})

t.test('hashtags: the list and the body together, each counted once, case-insensitively', async (t) => {
  const body = 'New roast #Coffee #spring #Paris'
  const five = inspectTarget('instagram', target({ media: media('image'), body, hashtags: ['#coffee', 'Latte', 'latte', 'beans'] }))
  t.same(five.violations, [], '#Coffee/#coffee and Latte/latte count once: 5 tags')
  t.equal(five.counts.hashtagCount, 5)
  const six = checkTarget('instagram', target({ media: media('image'), body, hashtags: ['latte', 'beans', 'roastery'] }))
  t.same(six, [{ field: 'hashtags', kind: 'limit', message: "this target has 6 hashtags (the hashtags list and the body's #tags, each counted once); Instagram allows at most 5" }])
  t.equal(checkTarget('threads', target({ body: 'One #topic', hashtags: ['another'] }))[0].field, 'hashtags', 'Threads: one topic tag')
  const tags = Array.from({ length: 61 }, (_, i) => `tag${i}`)
  t.equal(checkTarget('youtube', target({ kind: 'video', media: media('video'), hashtags: tags }))[0].field, 'hashtags')
  t.same(checkTarget('youtube', target({ kind: 'video', media: media('video'), hashtags: tags.slice(1) })), [])
  t.same(checkTarget('x', target({ body: 'hi', hashtags: tags })).filter((v) => v.field === 'hashtags'), [], 'no limit documented for X')
})

t.test('the published text: link and missing hashtags are appended and counted', async (t) => {
  const content = target({ body: 'Spring menu #coffee', hashtags: ['Coffee', 'spring'], link: 'https://lumencoffee.com/spring' })
  t.same(composePosts('x', content), ['Spring menu #coffee\n\nhttps://lumencoffee.com/spring\n\n#spring'])
  t.same(composePosts('facebook', content), ['Spring menu #coffee\n\n#spring'], 'Facebook takes the link in a field of its own')
  t.same(composePosts('x', target({ body: 'See https://lumencoffee.com/spring', link: 'https://lumencoffee.com/spring' })),
    ['See https://lumencoffee.com/spring'], 'a link already in the body is not repeated')
  const over = checkTarget('x', target({ body: 'a'.repeat(250), link: 'https://lumencoffee.com/spring', hashtags: ['coffee'] }))
  t.same(over, [{ field: 'body', kind: 'limit', message: 'body is 284 characters as X counts them with the link and 1 hashtag appended; X allows at most 280' }],
    '250 + 2 + 23 (the link) + 2 + 7 (#coffee)')
})

t.test('threads split at "---" lines and each post is measured', async (t) => {
  const body = `${'a'.repeat(280)}\n---\n${'b'.repeat(281)}\n---\nthree`
  const r = inspectTarget('x', target({ kind: 'thread', body }))
  t.same(r.counts.postLengths, [280, 281, 5])
  t.same(r.violations, [{ field: 'body', kind: 'limit', message: 'thread post 2 of 3 is 281 characters as X counts them; X allows at most 280' }])
  t.same(checkTarget('bluesky', target({ kind: 'thread', body: 'one\n---\n\n---\nthree' })),
    [{ field: 'body', kind: 'limit', message: 'thread post 2 of 3 is empty; remove the extra "---" line' }])
  t.same(inspectTarget('x', target({ kind: 'post', body })).counts.postLengths, [countText(body, 'weighted')], 'a post is not split')
})

t.test('first comments', async (t) => {
  t.same(checkTarget('x', target({ body: 'hi', firstComment: 'a'.repeat(280) })), [])
  t.same(checkTarget('x', target({ body: 'hi', firstComment: 'a'.repeat(281) })),
    [{ field: 'firstComment', kind: 'limit', message: 'firstComment is 281 characters as X counts them; X allows at most 280' }])
  t.same(checkTarget('tiktok', target({ kind: 'video', media: media('video'), firstComment: 'Link in bio' })),
    [{ field: 'firstComment', kind: 'limit', message: 'TikTok cannot publish a first comment through its API; leave firstComment empty for this target' }])
  t.same(checkTarget('tiktok', target({ kind: 'video', media: media('video'), firstComment: '  ' })), [], 'a blank comment is no comment')
})

t.test('links, alt text and empty posts', async (t) => {
  const longLink = `https://lumencoffee.com/${'p'.repeat(2030)}`
  t.same(checkTarget('pinterest', target({ media: media('image'), link: longLink })),
    [{ field: 'link', kind: 'limit', message: 'link is 2,054 characters; Pinterest allows at most 2,048' }])
  const links = Array.from({ length: 6 }, (_, i) => `https://site${i}.com`).join(' ')
  t.same(checkTarget('threads', target({ body: links })), [{ field: 'body', kind: 'limit', message: 'this target has 6 distinct links; Threads allows at most 5 in a post' }])
  t.same(checkTarget('threads', target({ body: links.split(' ').slice(1).join(' ') })), [])

  const alt = (altText: string): MediaItem[] => [{ url: 'https://cdn.example.com/a.png', type: 'image', altText }]
  t.same(checkTarget('x', target({ media: alt('a'.repeat(1000)) })), [])
  t.same(checkTarget('x', target({ media: alt('a'.repeat(1001)) })), [{ field: 'media', kind: 'limit', message: 'media 1 alt text is 1,001 characters; X allows at most 1,000' }])

  t.same(checkTarget('x', target({ body: '  ' })), [{ field: 'body', kind: 'incomplete', message: 'X needs text or media; this target has neither' }])
  t.same(checkTarget('x', target({ media: media('image') })), [], 'media alone is a post')
})

t.test('long texts are segmented in chunks with exactly the graphemes of one pass', async (t) => {
  // Every kind of character that joins its neighbours, and plain ones between them.
  const pool = ['a', 'Z', '1', ' ', '.', '#', 'é', 'e\u0301', '\u0301', '\r', '\n', '\r\n', '👩‍👩‍👧‍👦', '👍🏽', '🏽', '\u200D', '\u200C', '🇫🇷', '🇫',
    '가', '\u1100', '\u1161', '\u11A8', 'ก', 'ำ', 'ี', 'क', '्', 'ष', 'ि', '\u0600', '\u0D4E', 'ｶ', 'ﾞ', '日', 'あ', '❤', '\uFE0F', '\u{E0067}', '\u{E007F}', 'Ω', 'ж']
  let seed = 42
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  const oneSegmenter = new Intl.Segmenter('und', { granularity: 'grapheme' })
  let cuts = 0
  for (let run = 0; run < 2000; run++) {
    let text = ''
    const length = 20 + Math.floor(random() * 200)
    while (text.length < length) text += pool[Math.floor(random() * pool.length)]
    const expected = [...oneSegmenter.segment(text)].map((s) => s.segment)
    for (const chunk of [3, 8, 32]) {
      const actual = [...graphemeSegments(text, chunk)]
      if (actual.length !== expected.length || actual.some((s, i) => s !== expected[i])) {
        t.fail('chunked segmentation differs', { text: [...text].map((c) => c.codePointAt(0)!.toString(16)), chunk })
        return
      }
    }
    for (let i = 1; i < text.length; i++) if (certainBoundary(text, i)) cuts++
  }
  t.ok(cuts > 10000, `the cut rule finds boundaries (${cuts}) and never a wrong one`)
})

t.test('counting stays fast on long and hostile texts', async (t) => {
  const hostile = ['日.'.repeat(50_000), 'a.'.repeat(50_000), '가'.repeat(100_000), 'กำ'.repeat(50_000), 'a'.repeat(100_000)]
  for (const body of hostile) {
    for (const platform of ['x', 'threads', 'bluesky'] as const) {
      const started = Date.now()
      inspectTarget(platform, target({ kind: 'thread', body, firstComment: body }))
      // Generous for a loaded CI machine; quadratic behaviour took tens of seconds.
      t.ok(Date.now() - started < 5000, `${platform} ${body.slice(0, 2)}… in ${Date.now() - started} ms`)
    }
  }
  // Past the exact limit X's count is estimated with the library's weights, URLs as 23.
  const long = 'a'.repeat(2500) + ' ' + `https://example.com/${'p'.repeat(600)}` + ' 日本'
  t.ok(long.length > EXACT_LIMIT)
  t.equal(countText(long, 'weighted'), 2500 + 1 + 23 + 1 + 4)
  t.equal(countText(long.slice(0, EXACT_LIMIT), 'weighted'), EXACT_LIMIT, 'below it the library counts')
})

t.test('a thread of many bad posts gets a bounded answer', async (t) => {
  const empties = checkTarget('x', target({ kind: 'thread', body: 'first' + '\n---\n'.repeat(30) }))
  t.same(empties, [{ field: 'body', kind: 'limit', message: 'thread posts 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 20 more of 31 are empty; remove the extra "---" lines' }])
  const long = Array.from({ length: 50 }, () => 'a'.repeat(281)).join('\n---\n')
  const over = checkTarget('x', target({ kind: 'thread', body: long }))
  t.equal(over.length, 21)
  t.equal(over[0].message, 'thread post 1 of 50 is 281 characters as X counts them; X allows at most 280')
  t.equal(over[20].message, "and 30 more thread posts are over X's limits")
})
