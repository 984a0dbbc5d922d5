import type { ContentKind, MediaItem } from '../../db/tables/content-items.js'

// The interface the content module calls for every target of a content item. The rules
// themselves are data (platform-facts.ts and facts/*.ts); check-target.ts walks them.

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

export { checkTarget, inspectTarget, composePosts, textRuleFor } from './check-target.js'
export type { TargetCounts, TargetInspection } from './check-target.js'
export { PLATFORM_FACTS } from './platform-facts.js'
export type { PlatformFacts, TextRule, MediaOption, MediaType, KindRule } from './platform-facts.js'
