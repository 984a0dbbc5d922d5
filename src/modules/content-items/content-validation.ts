import { canSeeBrand } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import type { BlackoutsService } from '../blackouts/public.js'
import { memberFitIssue } from '../members/public.js'
import type { RuleViolation, TargetContent } from '../platforms/public.js'
import type { Platform } from '../../db/tables/social-accounts.js'
import type { AccountFacts, BrandFacts, CampaignFacts, ContentQueries, MemberFacts } from './content-items.queries.js'
import type { CreateContentItemInput, UpdateContentItemInput } from './content-items.schemas.js'
import { resolveSchedule, ScheduleError, type Schedule } from './content-scheduling.js'
import { changedFields, normaliseMedia, type ItemState, type TargetState } from './content-state.js'
import { isPublishableChange } from './content-status.js'

// Everything that can be wrong with an item's content beyond its shape: references to other
// rows (brand, campaign, assignee, social accounts), the schedule, blackout windows and the
// platforms' rules. Problems are collected, not thrown one by one, so a bulk import reports
// every failing item at once.

export type TargetChecker = (platform: Platform, content: TargetContent) => RuleViolation[]

export type IssueCode = 'HERALD_NOT_FOUND' | 'HERALD_VALIDATION' | 'HERALD_UNPROCESSABLE' | 'HERALD_BLACKOUT'
export interface BlackoutRef { id: string, reason: string, startsAt: string, endsAt: string }
export interface Issue { code: IssueCode, path: string, message: string, blackout?: BlackoutRef }

// When problems of several kinds come together, the answer's status is the first kind here;
// every problem is still listed in errors[].
const PRECEDENCE: IssueCode[] = ['HERALD_NOT_FOUND', 'HERALD_VALIDATION', 'HERALD_UNPROCESSABLE', 'HERALD_BLACKOUT']

export function issuesError (issues: readonly Issue[], opts: { batch?: boolean } = {}): AppError {
  const kinds = new Set(issues.map((i) => i.code))
  // Problems of one kind answer with that kind's status; for one item of several kinds, the
  // most basic kind's (a 404 first). A batch whose items fail in different ways (one names an
  // unknown id, another breaks a rule) is not "not found" as a whole: a 400. Whenever kinds
  // mix, every problem says its own code, so each item is named with what is wrong with it.
  const code = kinds.size > 1 && opts.batch ? 'HERALD_VALIDATION' : (PRECEDENCE.find((c) => kinds.has(c)) ?? 'HERALD_VALIDATION')
  const errors = issues.map(({ path, message, code: kind }) => (kinds.size > 1 ? { path, message, code: kind } : { path, message }))
  const shown = errors.slice(0, 10).map((e) => `${e.path}: ${e.message}`).join('; ')
  const detail = `${shown}${errors.length > 10 ? `; and ${errors.length - 10} more (see errors)` : ''}.`
  const blackout = code === 'HERALD_BLACKOUT' ? issues.find((i) => i.blackout)?.blackout : undefined
  return new AppError(code, detail, { errors, extra: blackout ? { blackout } : undefined })
}

/**
 * Checks what each target would publish (its override, or the item's own field) against its
 * platform's rules, and names every violation `targets/<i>/<field>` with the rule's message.
 */
export function ruleIssues (check: TargetChecker, item: Pick<ItemState, 'kind' | 'body' | 'media' | 'firstComment' | 'hashtags' | 'link'>, targets: readonly TargetState[], prefix = ''): Issue[] {
  return targets.flatMap((t, i) => {
    if (!t.platform) return []
    const content: TargetContent = {
      kind: item.kind,
      body: t.body ?? item.body,
      media: t.media ?? item.media,
      firstComment: t.firstComment ?? item.firstComment,
      hashtags: item.hashtags,
      link: item.link
    }
    // Every rule on every write, drafts included: a target is a promise to publish there. An
    // idea without its picture yet is a draft without that target (targets are optional).
    return check(t.platform, content).map((v): Issue => ({ code: 'HERALD_VALIDATION', path: `${prefix}targets/${i}/${v.field}`, message: v.message }))
  })
}

/** Why an archived brand takes no new content, submissions or schedules. */
export const ARCHIVED = 'the brand is archived: it takes no new content, submissions or schedules (make it active again first)'

export const schedulePath = (s: Schedule) => (s.basis === 'local' ? 'scheduledLocal' : 'scheduledAt')

interface Facts {
  brands: Map<string, BrandFacts>
  accounts: Map<string, AccountFacts>
  campaigns: Map<string, CampaignFacts>
  members: Map<string, MemberFacts>
}

const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]))
const uniq = (ids: Array<string | null | undefined>) => [...new Set(ids.filter((x): x is string => !!x))]

function targetStates (targets: NonNullable<CreateContentItemInput['targets']>, known: readonly TargetState[] = []): TargetState[] {
  return targets.map((t) => ({
    socialAccountId: t.socialAccountId,
    platform: known.find((k) => k.socialAccountId === t.socialAccountId)?.platform ?? null,
    body: t.body ?? null,
    media: t.media ? normaliseMedia(t.media) : null,
    firstComment: t.firstComment ?? null
  }))
}

export function createContentValidator (deps: { queries: ContentQueries, blackouts: Pick<BlackoutsService, 'covering'>, check: TargetChecker }) {
  const { queries: lookups, blackouts, check } = deps

  async function facts (ctx: Ctx, want: { brands?: string[], accounts?: string[], campaigns?: string[], members?: string[] }): Promise<Facts> {
    const { orgId } = ctx.actor
    return {
      brands: byId(await lookups.brands(orgId, uniq(want.brands ?? []).filter((id) => canSeeBrand(ctx.actor, id)), ctx.db)),
      accounts: byId(await lookups.accounts(orgId, uniq(want.accounts ?? []), ctx.db)),
      campaigns: byId(await lookups.campaigns(orgId, uniq(want.campaigns ?? []), ctx.db)),
      members: byId(await lookups.members(orgId, uniq(want.members ?? []), ctx.db))
    }
  }

  // Another tenant's row, and a row of a brand the caller may not see, are both "not found";
  // a row of another brand the caller can see is a 422: it exists, but cannot be linked here.
  function campaignIssues (ctx: Ctx, f: Facts, brandId: string, id: string | null, p: string): Issue[] {
    if (!id) return []
    const c = f.campaigns.get(id)
    if (!c || !canSeeBrand(ctx.actor, c.brandId)) return [{ code: 'HERALD_NOT_FOUND', path: `${p}campaignId`, message: 'campaign not found' }]
    return c.brandId === brandId ? [] : [{ code: 'HERALD_UNPROCESSABLE', path: `${p}campaignId`, message: 'the campaign belongs to another brand' }]
  }

  function assigneeIssues (f: Facts, brandId: string, id: string | null, p: string): Issue[] {
    if (!id) return []
    const issue = memberFitIssue(f.members.get(id), brandId)
    return issue ? [{ ...issue, path: `${p}assigneeId` }] : []
  }

  /** Checks each target's account and fills in its platform. */
  function accountIssues (ctx: Ctx, f: Facts, brandId: string, targets: TargetState[], p: string): Issue[] {
    return targets.flatMap((t, i): Issue[] => {
      const a = f.accounts.get(t.socialAccountId)
      const path = `${p}targets/${i}/socialAccountId`
      if (!a || !canSeeBrand(ctx.actor, a.brandId)) return [{ code: 'HERALD_NOT_FOUND', path, message: 'social account not found' }]
      if (a.brandId !== brandId) return [{ code: 'HERALD_UNPROCESSABLE', path, message: 'the social account belongs to another brand' }]
      t.platform = a.platform
      return []
    })
  }

  /** One statement for every time of every item: is any inside one of its brand's windows? */
  async function blackoutIssues (ctx: Ctx, times: Array<{ brandId: string, at: Date, path: string }>): Promise<Issue[]> {
    const covering = await blackouts.covering(ctx, times)
    return times.flatMap(({ path }, i): Issue[] => {
      const w = covering[i]
      if (!w) return []
      const blackout = { id: w.id, reason: w.reason, startsAt: w.startsAt, endsAt: w.endsAt }
      return [{ code: 'HERALD_BLACKOUT', path, message: `falls inside the brand's blackout "${w.reason}" (${w.startsAt} to ${w.endsAt})`, blackout }]
    })
  }

  function scheduleIssue (fn: () => void, p: string): Issue[] {
    try {
      fn()
      return []
    } catch (err) {
      if (err instanceof ScheduleError) return [{ code: err.code, path: `${p}${err.path}`, message: err.message }]
      throw err
    }
  }

  return {
    blackoutIssues,
    /** The item's brand as content rules see it (its time zone, whether it is archived). */
    async brand (ctx: Ctx, brandId: string): Promise<BrandFacts> {
      return (await lookups.brands(ctx.actor.orgId, [brandId], ctx.db))[0] ?? { id: brandId, timeZone: 'UTC', status: 'active' }
    },
    /** Every rule again before review or publishing (the rules may have changed since the edit). */
    readiness: (item: Parameters<typeof ruleIssues>[1], targets: readonly TargetState[]) => ruleIssues(check, item, targets),

    /** New items (one, or a bulk): their states, and every problem found, paths under prefix(i). */
    async prepareNew (ctx: Ctx, inputs: readonly CreateContentItemInput[], prefix: (i: number) => string) {
      const f = await facts(ctx, {
        brands: inputs.map((x) => x.brandId),
        accounts: inputs.flatMap((x) => (x.targets ?? []).map((t) => t.socialAccountId)),
        campaigns: uniq(inputs.map((x) => x.campaignId)),
        members: uniq(inputs.map((x) => x.assigneeId))
      })
      const issues: Issue[] = []
      const times: Array<{ brandId: string, at: Date, path: string }> = []
      const states = inputs.map((input, i): ItemState | null => {
        const p = prefix(i)
        const brand = f.brands.get(input.brandId)
        if (!brand) {
          issues.push({ code: 'HERALD_NOT_FOUND', path: `${p}brandId`, message: 'brand not found' })
          return null
        }
        if (brand.status === 'archived') issues.push({ code: 'HERALD_UNPROCESSABLE', path: `${p}brandId`, message: ARCHIVED })
        const state: ItemState = {
          campaignId: input.campaignId ?? null,
          title: input.title,
          kind: input.kind,
          body: input.body ?? '',
          media: normaliseMedia(input.media ?? []),
          link: input.link ?? null,
          hashtags: input.hashtags ?? [],
          firstComment: input.firstComment ?? null,
          labels: input.labels ?? [],
          assigneeId: input.assigneeId ?? null,
          targets: targetStates(input.targets ?? []),
          schedule: null
        }
        issues.push(...scheduleIssue(() => { state.schedule = resolveSchedule(input, null, brand.timeZone) ?? null }, p))
        issues.push(...campaignIssues(ctx, f, input.brandId, state.campaignId, p))
        issues.push(...assigneeIssues(f, input.brandId, state.assigneeId, p))
        issues.push(...accountIssues(ctx, f, input.brandId, state.targets, p))
        issues.push(...ruleIssues(check, state, state.targets, p))
        if (state.schedule) times.push({ brandId: input.brandId, at: state.schedule.scheduledAt, path: `${p}${schedulePath(state.schedule)}` })
        return state
      })
      issues.push(...await blackoutIssues(ctx, times))
      return { states, issues }
    },

    /**
     * An edit: the state after the patch, the fields it changes, and the problems of what
     * changed (references that did not change are not checked again).
     */
    async prepareEdit (ctx: Ctx, brandId: string, current: ItemState, patch: UpdateContentItemInput) {
      const next: ItemState = { ...current }
      if (patch.campaignId !== undefined) next.campaignId = patch.campaignId
      if (patch.title !== undefined) next.title = patch.title
      if (patch.kind !== undefined) next.kind = patch.kind
      if (patch.body !== undefined) next.body = patch.body
      if (patch.media !== undefined) next.media = normaliseMedia(patch.media)
      if (patch.link !== undefined) next.link = patch.link
      if (patch.hashtags !== undefined) next.hashtags = patch.hashtags
      if (patch.firstComment !== undefined) next.firstComment = patch.firstComment
      if (patch.labels !== undefined) next.labels = patch.labels
      if (patch.assigneeId !== undefined) next.assigneeId = patch.assigneeId
      if (patch.targets !== undefined) next.targets = targetStates(patch.targets, current.targets)

      const touchesSchedule = patch.scheduledAt !== undefined || patch.scheduledLocal !== undefined || patch.timeZone !== undefined
      const changedRefs = (field: 'campaignId' | 'assigneeId') => patch[field] !== undefined && patch[field] !== current[field]
      const f = await facts(ctx, {
        brands: touchesSchedule ? [brandId] : [],
        accounts: patch.targets !== undefined ? next.targets.map((t) => t.socialAccountId) : [],
        campaigns: changedRefs('campaignId') && next.campaignId ? [next.campaignId] : [],
        members: changedRefs('assigneeId') && next.assigneeId ? [next.assigneeId] : []
      })
      const issues: Issue[] = []
      if (touchesSchedule) {
        const tz = f.brands.get(brandId)?.timeZone ?? 'UTC'
        issues.push(...scheduleIssue(() => {
          const s = resolveSchedule(patch, current.schedule, tz)
          if (s !== undefined) next.schedule = s
        }, ''))
      }
      const changed = changedFields(current, next)
      if (changed.includes('campaignId')) issues.push(...campaignIssues(ctx, f, brandId, next.campaignId, ''))
      if (changed.includes('assigneeId')) issues.push(...assigneeIssues(f, brandId, next.assigneeId, ''))
      if (patch.targets !== undefined) issues.push(...accountIssues(ctx, f, brandId, next.targets, ''))
      if (isPublishableChange(changed)) issues.push(...ruleIssues(check, next, next.targets, ''))
      if (next.schedule && changed.includes('scheduledAt')) {
        issues.push(...await blackoutIssues(ctx, [{ brandId, at: next.schedule.scheduledAt, path: schedulePath(next.schedule) }]))
      }
      return { next, changed, issues }
    }
  }
}
export type ContentValidator = ReturnType<typeof createContentValidator>
