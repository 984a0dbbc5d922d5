import { createRequire } from 'node:module'
import type TwitterText from 'twitter-text'
import type { ParseTweetOptions } from 'twitter-text'

// twitter-text (X's own counter, with its URL and emoji tables) weighs about 8 MB and a fifth
// of a second to load: it is loaded the first time a text is counted, not at start-up.
let loaded: typeof TwitterText | undefined
const twitterText = (): typeof TwitterText => (loaded ??= createRequire(import.meta.url)('twitter-text') as typeof TwitterText)

// How each platform measures text. Platforms disagree on what a "character" is, so a length is
// meaningless without its unit: the facts table names one of these for every limit, and the
// same functions serve the checks and the counters the check endpoint returns to frontends.

export const COUNTINGS = ['characters', 'utf16', 'graphemes', 'bytes', 'weighted', 'characters_emoji_utf8'] as const
/**
 * - characters: Unicode code points (what most help centers mean by "characters").
 * - utf16: UTF-16 code units, JavaScript's String#length (TikTok's "UTF-16 runes").
 * - graphemes: user-perceived characters (an emoji ZWJ family is one), per UAX #29.
 * - bytes: UTF-8 bytes.
 * - weighted: X's count, from its own twitter-text library: most scripts weigh 1, CJK and emoji
 *   2, every URL 23 (the t.co link it becomes), after NFC normalisation.
 * - characters_emoji_utf8: code points, except that an emoji counts as its UTF-8 bytes (Threads).
 */
export type Counting = typeof COUNTINGS[number]

// One segmenter for the process, built on first use (~15 ms, a start-up would pay it otherwise):
// building one is the expensive part. Grapheme boundaries do not depend on the locale.
let segmenter: Intl.Segmenter | undefined
const graphemeSegmenter = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' }))
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u

// V8's segmenter slows down more than linearly with the length of the string it walks (80,000
// one-letter graphemes take seconds), so long texts are segmented in chunks of about CHUNK
// UTF-16 units, cut only where UAX #29 guarantees a boundary whatever the context. The cut
// rule is deliberately narrow (a test compares it with unchunked segmentation):
// - always after a line feed (GB4/GB5);
// - between two code points that are letters, numbers, punctuation, symbols or spaces, except
//   where one of them joins its neighbour: regional indicators and Hangul jamo (either side,
//   GB6-8, GB12/13), ZWJ, CR and the few letters whose break property is Prepend before the
//   cut (GB3, GB9b, GB11), emoji modifiers and the few letters whose break property is Extend
//   or SpacingMark after it (GB9, GB9a);
// - after a combining mark when what follows is of a script without Indic conjuncts (GB9c).
const CHUNK = 1024
const PLAIN = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u
const JOINS_EITHER = '\\p{Regional_Indicator}\\u1100-\\u11FF\\uA960-\\uA97F\\uD7B0-\\uD7FF'
const NOT_BEFORE_CUT = new RegExp(`^[${JOINS_EITHER}\\r\\u0D4E\\u{111C2}\\u{111C3}\\u{1193F}\\u{11941}\\u{11A3A}\\u{11A84}-\\u{11A89}\\u{11D46}\\u{11F02}]$`, 'u')
const NOT_AFTER_CUT = new RegExp(`^[${JOINS_EITHER}\\p{Emoji_Modifier}\\uFF9E\\uFF9F\\u0E33\\u0EB3]$`, 'u')
const ZWJ = '\u200D'
const MARK = /^\p{M}$/u
const NO_CONJUNCTS = /^[\p{Script=Latin}\p{Script=Common}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u

/** The code point that ends just before UTF-16 index i. */
function codePointBefore (text: string, i: number): string {
  const low = text.charCodeAt(i - 1)
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text.slice(i - 1, i)
}

/** True only where a grapheme boundary is certain, whatever comes before and after. */
export function certainBoundary (text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true
  const c = text.charCodeAt(i)
  if (c >= 0xdc00 && c <= 0xdfff) return false // inside a surrogate pair
  const before = codePointBefore(text, i)
  if (before === '\n') return true
  const after = String.fromCodePoint(text.codePointAt(i)!)
  if (before === ZWJ || NOT_BEFORE_CUT.test(before) || NOT_AFTER_CUT.test(after) || !PLAIN.test(after)) return false
  return PLAIN.test(before) || (MARK.test(before) && NO_CONJUNCTS.test(after))
}

/** The text's graphemes, segmented chunk by chunk (see above). */
export function * graphemeSegments (text: string, chunk = CHUNK): Generator<string> {
  let start = 0
  while (text.length - start > chunk) {
    let cut = start + chunk
    while (cut < text.length && !certainBoundary(text, cut)) cut++
    for (const { segment } of graphemeSegmenter().segment(text.slice(start, cut))) yield segment
    start = cut
  }
  for (const { segment } of graphemeSegmenter().segment(text.slice(start))) yield segment
}

function codePoints (text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

export function graphemes (text: string): number {
  let n = 0
  const segments = graphemeSegments(text)
  while (!segments.next().done) n++
  return n
}

function charactersEmojiUtf8 (text: string): number {
  let n = 0
  for (const segment of graphemeSegments(text)) {
    n += EMOJI.test(segment) ? Buffer.byteLength(segment, 'utf8') : codePoints(segment)
  }
  return n
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

// (@types/twitter-text does not declare `configs`; the library exports it.)
const xDefaults = () => (twitterText() as unknown as { configs: { defaults: Required<ParseTweetOptions> } }).configs.defaults
/** X's maximum and URL weight, read from the library so they cannot drift from its counter. */
export const X_LIBRARY_CONFIG = {
  get maxWeightedLength () { return xDefaults().maxWeightedTweetLength },
  get transformedUrlLength () { return xDefaults().transformedURLLength }
}

// twitter-text's URL patterns take time that grows faster than the text ("日." repeated over
// 4,096 units takes a quarter of a second, over 100,000 many seconds). X accepts 280 weighted
// characters, so a text past EXACT_LIMIT UTF-16 units is far over it unless it is almost all
// URL: there the count is estimated in linear time with the library's own weights, every
// http(s) URL counting 23. Only a text made mostly of scheme-less URLs can be judged wrongly
// (too long), which no real post is.
export const EXACT_LIMIT = 2000
const URL_WITH_SCHEME = /https?:\/\/[^\s<>"]+/gi

function weighted (text: string): number {
  if (text === '') return 0
  if (text.length <= EXACT_LIMIT) return twitterText().parseTweet(text).weightedLength
  const normalised = text.normalize('NFC')
  const urls = normalised.match(URL_WITH_SCHEME) ?? []
  const d = xDefaults()
  let units = urls.length * d.transformedURLLength * d.scale
  for (const ch of normalised.replace(URL_WITH_SCHEME, '')) {
    const cp = ch.codePointAt(0)!
    const range = d.ranges.find((r) => cp >= r.start && cp <= r.end)
    units += range ? range.weight : d.defaultWeight
  }
  return Math.floor(units / d.scale)
}

/** The length of `text` as a platform with this counting measures it. */
export function countText (text: string, counting: Counting): number {
  switch (counting) {
    case 'characters': return codePoints(text)
    case 'utf16': return text.length
    case 'graphemes': return graphemes(text)
    case 'bytes': return utf8Bytes(text)
    case 'weighted': return weighted(text)
    case 'characters_emoji_utf8': return charactersEmojiUtf8(text)
  }
}

/** Words for a message: "312 characters as X counts them", "301 graphemes". */
export function unitPhrase (counting: Counting, platformName: string): string {
  switch (counting) {
    case 'characters': return 'characters'
    case 'utf16': return 'UTF-16 code units'
    case 'graphemes': return 'graphemes (user-perceived characters)'
    case 'bytes': return 'bytes in UTF-8'
    case 'weighted': return `characters as ${platformName} counts them`
    case 'characters_emoji_utf8': return `characters as ${platformName} counts them (an emoji counts as its UTF-8 bytes)`
  }
}

/** A hashtag as it is compared: without "#", NFC, lower case ("#Café" and "café" are one tag). */
export const normaliseTag = (tag: string) => tag.trim().replace(/^[#＃]+/, '').normalize('NFC').toLowerCase()

/**
 * Hashtags found in a text, by twitter-text's rules (the same on every platform: "#tag" after a
 * space or at the start, letters, digits, marks and "_", not only digits).
 */
export const hashtagsIn = (text: string): string[] => twitterText().extractHashtags(text)

/**
 * Distinct URLs in a text, scheme-less ones ("example.com/x") included; past EXACT_LIMIT only
 * http(s) URLs (see weighted()).
 */
export const urlsIn = (text: string): string[] =>
  [...new Set(text.length <= EXACT_LIMIT ? twitterText().extractUrls(text) : (text.match(URL_WITH_SCHEME) ?? []))]

/**
 * A thread's posts: the body split at lines that hold only "---". Each post is measured on its
 * own against the platform's limit; a body without such a line is a thread of one post.
 */
export function splitThread (body: string): string[] {
  return body.split(/^[ \t]*---[ \t]*$/m).map((part) => part.replace(/^\s*\n/, '').replace(/\n\s*$/, ''))
}
