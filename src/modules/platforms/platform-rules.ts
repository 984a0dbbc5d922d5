import type { Platform } from '../social-accounts/social-accounts.table.js'
import type { ContentKind, MediaItem } from '../content-items/content-items.table.js'

// PLACEHOLDER until the platforms module lands: the interface the content module calls.
// The platforms module replaces this file with the real table of facts (with sources) and the
// real checks; until then nothing is refused.

/** What one target would publish, after its overrides are applied to the base fields. */
export interface TargetContent {
  kind: ContentKind
  body: string
  media: MediaItem[]
  firstComment: string | null
  hashtags: string[]
  link: string | null
}

/** A broken rule: which field of the target, and a message that names the limit. */
export interface RuleViolation {
  field: 'kind' | 'body' | 'media' | 'firstComment' | 'hashtags' | 'link'
  message: string
}

export function checkTarget (_platform: Platform, _content: TargetContent): RuleViolation[] {
  return []
}
