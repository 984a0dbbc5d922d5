import type { ContentKind, MediaItem } from '../../db/tables/content-items.js'
import type { Counting } from './text-counting.js'

// The shape of one platform's publishing rules. The rules are data: checkTarget walks these
// facts and contains no platform names. Each number in facts/*.ts carries a comment with its
// source (the platform's developer docs or help center and what they say), and says "not
// verified" where no official page could be read; the same sources are published by
// GET /v1/platforms so that a client can judge them too.

export type MediaType = MediaItem['type']
export const MEDIA_TYPES = ['image', 'video', 'gif', 'document'] as const satisfies readonly MediaType[]

export interface TextRule {
  maxLength: number
  counting: Counting
  /** What every URL counts as (X: 23, the t.co link). Informative: the counter applies it. */
  urlLength?: number
  /** A second ceiling in UTF-8 bytes (Bluesky: 300 graphemes and 3000 bytes). */
  maxBytes?: number
  /** Characters the platform refuses in this text (YouTube: < and >). */
  forbiddenCharacters?: string[]
  /** 'without_media': an empty text is refused when there is no media either. */
  required: 'never' | 'without_media'
}

/** One accepted combination: every item is of one of `types`, and there are min..max of them. */
export interface MediaOption {
  types: MediaType[]
  min: number
  /** null: no maximum is documented. */
  max: number | null
}

export interface KindRule {
  /** Alternatives: the media must match one of them. */
  media: MediaOption[]
  /** Where this kind's text differs from the platform's default (TikTok photo descriptions). */
  text?: Partial<TextRule>
}

export interface AltTextRule {
  maxLength: number
  counting: Counting
  appliesTo: MediaType[]
}

export interface LinkRule {
  /**
   * true: the platform takes the link in a field of its own (a link card or destination), so it
   * does not count toward the text; false: a link is published inside the text and counts.
   */
  attachment: boolean
  /** Whether a URL written in the text becomes a clickable link (Instagram captions: no). */
  clickableInText: boolean
  maxLength?: number
  /** Most distinct links a post may hold (Threads: 5). */
  maxLinks?: number
}

export interface Source {
  /** Which facts it backs, e.g. "text.maxLength". */
  about: string
  url: string
  /** false: the number could not be confirmed on an official page; see the comment in facts/. */
  verified: boolean
}

export interface PlatformFacts {
  displayName: string
  text: TextRule
  /** The first comment (or reply) published under the post; null: the API cannot publish one. */
  firstComment: Omit<TextRule, 'required'> | null
  kinds: Partial<Record<ContentKind, KindRule>>
  /** null: no hashtag limit is documented. */
  hashtags: { max: number } | null
  link: LinkRule
  altText: AltTextRule | null
  sources: Source[]
}

// What the content module asks about, and what it is told.

/** What one target would publish, after its overrides are applied to the base fields. */
export interface TargetContent {
  kind: ContentKind
  body: string
  media: MediaItem[]
  firstComment: string | null
  hashtags: string[]
  link: string | null
}

/**
 * A broken rule: which field of the target, and a message that names the limit. `limit`: the
 * content is wrong as it is (too long, too many, not accepted); `incomplete`: something is
 * still missing (no text or media, no video yet), so that a frontend can word it as a to-do.
 * Content items refuse both alike.
 */
export interface RuleViolation {
  field: 'kind' | 'body' | 'media' | 'firstComment' | 'hashtags' | 'link'
  message: string
  kind: 'limit' | 'incomplete'
}
