import type { Platform } from '../../db/tables/social-accounts.js'
import type { ContentKind, MediaItem } from '../../db/tables/content-items.js'
import { PLATFORM_FACTS } from './platform-facts.js'
import type { MediaOption, MediaType, TextRule } from './platform-types.js'
import { countText, hashtagsIn, normaliseTag, splitThread, unitPhrase, urlsIn, utf8Bytes, type Counting } from './text-counting.js'
import type { RuleViolation, TargetContent } from './platform-types.js'

// Walks one platform's facts over one target. No platform is named here: every limit, unit and
// wording comes from the facts table, so a new platform or a changed limit is a data change.
//
// What is measured is the text as it would be published ("posts"): the body, then, when the
// platform has no link field, the link, then the hashtags of the `hashtags` list that the body
// does not already contain, each block after a blank line. A thread is split into its posts at
// lines holding only "---"; the link and hashtags go with the first post. A publisher must
// compose the same way (composePosts), so that what was checked is what goes out.

export interface TargetCounts {
  counting: Counting
  /** The longest post as published (the only post, unless the kind is a thread). */
  textLength: number
  textLimit: number
  /** Every post as published, in order. */
  postLengths: number[]
  /** The body alone, same counting. */
  bodyLength: number
  firstCommentLength: number | null
  /** null when the platform cannot publish a first comment. */
  firstCommentLimit: number | null
  /** Distinct hashtags: the `hashtags` list and the body's #tags, without repeats. */
  hashtagCount: number
  hashtagLimit: number | null
  mediaCount: number
  /** Distinct links in the published text (plus an attached link). */
  linkCount: number
}

export interface TargetInspection {
  violations: RuleViolation[]
  counts: TargetCounts
}

const n = (value: number) => value.toLocaleString('en-US')
const MAX_POST_VIOLATIONS = 20
const KIND_LABEL: Record<ContentKind, string> = {
  post: 'post', story: 'story', reel: 'reel', short_video: 'short video', video: 'video', carousel: 'carousel', article: 'article', thread: 'thread'
}
const NOUN: Record<MediaType, [string, string]> = {
  image: ['image', 'images'], video: ['video', 'videos'], gif: ['GIF', 'GIFs'], document: ['document', 'documents']
}

const listOr = (items: string[]) => items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
const listAnd = (items: string[]) => items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`

/** The text rule of a kind on a platform: the platform's default with the kind's overrides. */
export function textRuleFor (platform: Platform, kind: ContentKind): TextRule {
  const facts = PLATFORM_FACTS[platform]
  return { ...facts.text, ...(facts.kinds[kind]?.text ?? {}) }
}

/** The `hashtags` list without "#", blanks and repeats (first spelling kept). */
function listedTags (hashtags: string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of hashtags) {
    const tag = raw.trim().replace(/^[#＃]+/, '')
    const key = normaliseTag(tag)
    if (key === '' || seen.has(key)) continue
    seen.add(key)
    out.push(tag)
  }
  return out
}

interface Composed { posts: string[], linkAppended: boolean, tagsAppended: number }

function compose (platform: Platform, content: TargetContent): Composed {
  const facts = PLATFORM_FACTS[platform]
  const posts = content.kind === 'thread' && facts.kinds.thread ? splitThread(content.body) : [content.body]
  const additions: string[] = []
  const linkAppended = !!content.link && !facts.link.attachment && !content.body.includes(content.link)
  if (linkAppended) additions.push(content.link!)
  const inBody = new Set(hashtagsIn(content.body).map(normaliseTag))
  const missing = listedTags(content.hashtags).filter((tag) => !inBody.has(normaliseTag(tag)))
  if (missing.length) additions.push(missing.map((tag) => `#${tag}`).join(' '))
  if (additions.length) posts[0] = [posts[0], ...additions].filter((part) => part !== '').join('\n\n')
  return { posts, linkAppended, tagsAppended: missing.length }
}

/** The posts as the platform would receive them (see the comment at the top). */
export const composePosts = (platform: Platform, content: TargetContent): string[] => compose(platform, content).posts

function describeOption (option: MediaOption): string {
  const singular = listOr(option.types.map((t) => NOUN[t][0]))
  const plural = listOr(option.types.map((t) => NOUN[t][1]))
  const noun = (count: number) => (count === 1 ? singular : plural)
  if (option.max === null) return option.min === 0 ? `any number of ${plural}` : `at least ${n(option.min)} ${noun(option.min)}`
  if (option.min === option.max) return `${n(option.min)} ${noun(option.min)}`
  if (option.min === 0) return `up to ${n(option.max)} ${noun(option.max)}`
  return `${n(option.min)} to ${n(option.max)} ${plural}`
}

function describeMedia (media: MediaItem[]): string {
  if (media.length === 0) return 'no media'
  const order: MediaType[] = ['image', 'video', 'gif', 'document']
  return listAnd(order.flatMap((type) => {
    const count = media.filter((m) => m.type === type).length
    return count ? [`${n(count)} ${NOUN[type][count === 1 ? 0 : 1]}`] : []
  }))
}

const matches = (option: MediaOption, media: MediaItem[]) =>
  media.every((m) => option.types.includes(m.type)) && media.length >= option.min && (option.max === null || media.length <= option.max)

/** Every broken rule of one target, with the counts a frontend shows next to its fields. */
export function inspectTarget (platform: Platform, content: TargetContent): TargetInspection {
  const facts = PLATFORM_FACTS[platform]
  const name = facts.displayName
  const violations: Array<Omit<RuleViolation, 'kind'> & { kind?: RuleViolation['kind'] }> = []
  const kindRule = facts.kinds[content.kind]
  if (!kindRule) {
    const accepted = (Object.keys(facts.kinds) as ContentKind[]).map((k) => KIND_LABEL[k])
    violations.push({ field: 'kind', message: `${name} does not accept a ${KIND_LABEL[content.kind]}; it accepts ${listAnd(accepted)}` })
  }

  // Text, post by post.
  const rule = textRuleFor(platform, content.kind)
  const unit = unitPhrase(rule.counting, name)
  const { posts, linkAppended, tagsAppended } = compose(platform, content)
  const lengths = posts.map((post) => countText(post, rule.counting))
  const appendedParts = [linkAppended ? 'the link' : '', tagsAppended ? `${n(tagsAppended)} hashtag${tagsAppended === 1 ? '' : 's'}` : ''].filter(Boolean)
  const appended = appendedParts.length ? ` with ${listAnd(appendedParts)} appended` : ''
  // A thread may have many posts: empty ones are reported together and over-long ones up to
  // MAX_POST_VIOLATIONS, so the answer stays small whatever the body.
  const empty: number[] = []
  const over: string[] = []
  posts.forEach((post, i) => {
    const subject = posts.length > 1 ? `thread post ${i + 1} of ${posts.length}` : 'body'
    const extra = i === 0 ? appended : ''
    if (posts.length > 1 && post.trim() === '') empty.push(i + 1)
    if (lengths[i] > rule.maxLength) over.push(`${subject} is ${n(lengths[i])} ${unit}${extra}; ${name} allows at most ${n(rule.maxLength)}`)
    const bytes = utf8Bytes(post)
    if (rule.maxBytes !== undefined && bytes > rule.maxBytes) {
      over.push(`${subject} is ${n(bytes)} bytes in UTF-8${extra}; ${name} allows at most ${n(rule.maxBytes)} bytes`)
    }
  })
  if (empty.length === 1) violations.push({ field: 'body', message: `thread post ${empty[0]} of ${posts.length} is empty; remove the extra "---" line` })
  if (empty.length > 1) {
    const shown = empty.slice(0, 10).map(String)
    if (empty.length > 10) shown.push(`${n(empty.length - 10)} more`)
    violations.push({ field: 'body', message: `thread posts ${listAnd(shown)} of ${posts.length} are empty; remove the extra "---" lines` })
  }
  for (const message of over.slice(0, MAX_POST_VIOLATIONS)) violations.push({ field: 'body', message })
  if (over.length > MAX_POST_VIOLATIONS) {
    violations.push({ field: 'body', message: `and ${n(over.length - MAX_POST_VIOLATIONS)} more thread posts are over ${name}'s limits` })
  }
  const forbidden = (rule.forbiddenCharacters ?? []).filter((c) => posts.some((post) => post.includes(c)))
  if (forbidden.length) {
    violations.push({ field: 'body', message: `body contains ${listAnd(forbidden.map((c) => `"${c}"`))}; ${name} does not allow ${listOr(rule.forbiddenCharacters!.map((c) => `"${c}"`))} in this text` })
  }
  if (rule.required === 'without_media' && content.media.length === 0 && posts.every((post) => post.trim() === '')) {
    violations.push({ field: 'body', kind: 'incomplete', message: `${name} needs text or media; this target has neither` })
  }

  // Media: one of the kind's alternatives must fit, then alt text.
  if (kindRule && !kindRule.media.some((option) => matches(option, content.media))) {
    violations.push({
      field: 'media',
      // Nothing attached yet is a draft still being written; the wrong media is a mistake.
      kind: content.media.length === 0 ? 'incomplete' : 'limit',
      message: `${name} accepts for a ${KIND_LABEL[content.kind]}: ${kindRule.media.map(describeOption).join(', or ')}; this target has ${describeMedia(content.media)}`
    })
  }
  const alt = facts.altText
  if (alt) {
    content.media.forEach((item, i) => {
      if (!item.altText || !alt.appliesTo.includes(item.type)) return
      const length = countText(item.altText, alt.counting)
      if (length > alt.maxLength) {
        violations.push({ field: 'media', message: `media ${i + 1} alt text is ${n(length)} ${unitPhrase(alt.counting, name)}; ${name} allows at most ${n(alt.maxLength)}` })
      }
    })
  }

  // First comment.
  const comment = content.firstComment ?? ''
  let firstCommentLength: number | null = null
  if (comment.trim() !== '') {
    const fc = facts.firstComment
    if (!fc) {
      violations.push({ field: 'firstComment', message: `${name} cannot publish a first comment through its API; leave firstComment empty for this target` })
    } else {
      firstCommentLength = countText(comment, fc.counting)
      if (firstCommentLength > fc.maxLength) {
        violations.push({ field: 'firstComment', message: `firstComment is ${n(firstCommentLength)} ${unitPhrase(fc.counting, name)}; ${name} allows at most ${n(fc.maxLength)}` })
      }
      const bytes = utf8Bytes(comment)
      if (fc.maxBytes !== undefined && bytes > fc.maxBytes) {
        violations.push({ field: 'firstComment', message: `firstComment is ${n(bytes)} bytes in UTF-8; ${name} allows at most ${n(fc.maxBytes)} bytes` })
      }
    }
  }

  // Hashtags: the list and the body's #tags together, each counted once.
  const tags = new Set([...listedTags(content.hashtags), ...hashtagsIn(content.body)].map(normaliseTag))
  if (facts.hashtags && tags.size > facts.hashtags.max) {
    violations.push({ field: 'hashtags', message: `this target has ${n(tags.size)} hashtags (the hashtags list and the body's #tags, each counted once); ${name} allows at most ${n(facts.hashtags.max)}` })
  }

  // Links.
  const link = content.link ?? ''
  if (link && facts.link.maxLength !== undefined && countText(link, 'characters') > facts.link.maxLength) {
    violations.push({ field: 'link', message: `link is ${n(countText(link, 'characters'))} characters; ${name} allows at most ${n(facts.link.maxLength)}` })
  }
  const urls = new Set(posts.flatMap(urlsIn))
  if (link && facts.link.attachment) urls.add(link)
  if (facts.link.maxLinks !== undefined && urls.size > facts.link.maxLinks) {
    violations.push({ field: link && !content.body.includes(link) ? 'link' : 'body', message: `this target has ${n(urls.size)} distinct links; ${name} allows at most ${n(facts.link.maxLinks)} in a post` })
  }

  return {
    violations: violations.map((v) => ({ ...v, kind: v.kind ?? 'limit' })),
    counts: {
      counting: rule.counting,
      textLength: Math.max(...lengths),
      textLimit: rule.maxLength,
      postLengths: lengths,
      bodyLength: countText(content.body, rule.counting),
      firstCommentLength,
      firstCommentLimit: facts.firstComment?.maxLength ?? null,
      hashtagCount: tags.size,
      hashtagLimit: facts.hashtags?.max ?? null,
      mediaCount: content.media.length,
      linkCount: urls.size
    }
  }
}

/** The rules a target breaks on its platform; empty when it can be published as it is. */
export function checkTarget (platform: Platform, content: TargetContent): RuleViolation[] {
  return inspectTarget(platform, content).violations
}
