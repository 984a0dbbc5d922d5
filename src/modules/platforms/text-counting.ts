import twitterText, { type ParseTweetOptions } from 'twitter-text'

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

// One segmenter for the process: building one is the expensive part. Grapheme boundaries do not
// depend on the locale.
const graphemeSegmenter = new Intl.Segmenter('und', { granularity: 'grapheme' })
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u

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
  const segments = graphemeSegmenter.segment(text)[Symbol.iterator]()
  while (!segments.next().done) n++
  return n
}

function charactersEmojiUtf8 (text: string): number {
  let n = 0
  for (const { segment } of graphemeSegmenter.segment(text)) {
    n += EMOJI.test(segment) ? Buffer.byteLength(segment, 'utf8') : codePoints(segment)
  }
  return n
}

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** The length of `text` as a platform with this counting measures it. */
export function countText (text: string, counting: Counting): number {
  switch (counting) {
    case 'characters': return codePoints(text)
    case 'utf16': return text.length
    case 'graphemes': return graphemes(text)
    case 'bytes': return utf8Bytes(text)
    case 'weighted': return text === '' ? 0 : twitterText.parseTweet(text).weightedLength
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

/** X's maximum and URL weight, read from the library so they cannot drift from its counter. */
// (@types/twitter-text does not declare `configs`; the library exports it.)
const xDefaults = (twitterText as unknown as { configs: { defaults: Required<ParseTweetOptions> } }).configs.defaults
export const X_LIBRARY_CONFIG = {
  maxWeightedLength: xDefaults.maxWeightedTweetLength,
  transformedUrlLength: xDefaults.transformedURLLength
}

/** A hashtag as it is compared: without "#", NFC, lower case ("#Café" and "café" are one tag). */
export const normaliseTag = (tag: string) => tag.trim().replace(/^[#＃]+/, '').normalize('NFC').toLowerCase()

/**
 * Hashtags found in a text, by twitter-text's rules (the same on every platform: "#tag" after a
 * space or at the start, letters, digits, marks and "_", not only digits).
 */
export const hashtagsIn = (text: string): string[] => twitterText.extractHashtags(text)

/** Distinct URLs in a text, scheme-less ones ("example.com/x") included. */
export const urlsIn = (text: string): string[] => [...new Set(twitterText.extractUrls(text))]

/**
 * A thread's posts: the body split at lines that hold only "---". Each post is measured on its
 * own against the platform's limit; a body without such a line is a thread of one post.
 */
export function splitThread (body: string): string[] {
  return body.split(/^[ \t]*---[ \t]*$/m).map((part) => part.replace(/^\s*\n/, '').replace(/\n\s*$/, ''))
}
