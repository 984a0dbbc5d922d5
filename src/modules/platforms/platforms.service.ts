import { PLATFORMS, type Platform } from '../../db/tables/social-accounts.js'
import type { ContentKind } from '../../db/tables/content-items.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { sha256 } from '../../lib/tokens.js'
import { PLATFORM_FACTS } from './platform-facts.js'
import type { MediaType, TextRule } from './platform-types.js'
import { inspectTarget, textRuleFor } from './check-target.js'
import type { CheckInput, CheckResult, PlatformRulesDto } from './platforms.schemas.js'

// The rules are facts about the networks, the same for every organization: any authenticated
// credential may read them and run the check (no scope is needed, as for GET /v1/me), so a
// frontend or an integration with any key can show live counters. Nothing here touches the
// database or writes events. The catalogue is built once; its ETag is a hash of its content,
// so it changes exactly when a fact changes (a deploy), and clients may cache it meanwhile.

const textDto = (rule: Omit<TextRule, 'required'>) => ({
  maxLength: rule.maxLength,
  counting: rule.counting,
  urlLength: rule.urlLength ?? null,
  maxBytes: rule.maxBytes ?? null,
  forbiddenCharacters: rule.forbiddenCharacters ?? []
})

export function toRulesDto (platform: Platform): PlatformRulesDto {
  const facts = PLATFORM_FACTS[platform]
  const kinds = (Object.keys(facts.kinds) as ContentKind[]).map((kind) => ({
    kind,
    text: { ...textDto(textRuleFor(platform, kind)), required: textRuleFor(platform, kind).required },
    media: facts.kinds[kind]!.media.map((o) => ({ types: [...o.types], min: o.min, max: o.max }))
  }))
  const options = kinds.flatMap((k) => k.media)
  return {
    platform,
    displayName: facts.displayName,
    kinds,
    text: { ...textDto(facts.text), required: facts.text.required },
    firstComment: facts.firstComment ? textDto(facts.firstComment) : null,
    media: {
      min: Math.min(...options.map((o) => o.min)),
      max: options.some((o) => o.max === null) ? null : Math.max(...options.map((o) => o.max!)),
      types: [...new Set(options.flatMap((o) => o.types))] as MediaType[],
      altText: facts.altText ? { ...facts.altText, appliesTo: [...facts.altText.appliesTo] } : null
    },
    hashtags: facts.hashtags ? { max: facts.hashtags.max } : null,
    link: {
      attachment: facts.link.attachment,
      clickableInText: facts.link.clickableInText,
      maxLength: facts.link.maxLength ?? null,
      maxLinks: facts.link.maxLinks ?? null
    },
    sources: facts.sources.map((s) => ({ ...s }))
  }
}

const etagOf = (value: unknown) => `"${sha256(JSON.stringify(value)).slice(0, 20)}"`

export function createPlatformsService () {
  const catalogue = PLATFORMS.map(toRulesDto)
  const listEtag = etagOf(catalogue)
  const byName = new Map(catalogue.map((rules) => [rules.platform as string, { rules, etag: etagOf(rules) }]))

  return {
    /** Every platform's rules. */
    list (_ctx: Ctx): { data: PlatformRulesDto[], etag: string } {
      return { data: catalogue, etag: listEtag }
    },

    /** One platform's rules; an unknown name is a 404 that lists the known ones. */
    get (_ctx: Ctx, name: string): { rules: PlatformRulesDto, etag: string } {
      const found = byName.get(name)
      if (!found) throw new AppError('HERALD_NOT_FOUND', `Platform "${name.slice(0, 64)}" was not found; the platforms are ${PLATFORMS.join(', ')}.`)
      return found
    },

    /** What a target would break on its platform, with the counts a live counter shows. */
    check (_ctx: Ctx, input: CheckInput): CheckResult {
      const { violations, counts } = inspectTarget(input.platform, input.content)
      return { platform: input.platform, valid: violations.length === 0, violations, counts }
    }
  }
}
export type PlatformsService = ReturnType<typeof createPlatformsService>
