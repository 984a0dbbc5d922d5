import { AppError } from '../../lib/errors.js'
import { iso } from '../../lib/http.js'
import type { CampaignRow, CampaignValues } from './campaigns.repository.js'
import type { Budget, CampaignDto, CreateCampaignInput, UpdateCampaignInput } from './campaigns.schemas.js'
import type { KpiTarget } from '../../db/tables/campaigns.js'

// Pure pieces of the campaign service: wire shape ⇄ stored values, what a patch changes, and
// the date rule. No database, so the service reads as the rules alone.

export function toCampaignDto (r: CampaignRow, channelIds: string[]): CampaignDto {
  return {
    id: r.id,
    brandId: r.brandId,
    name: r.name,
    brief: r.brief,
    objective: r.objective,
    status: r.status,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    budget: r.budgetAmountMinor !== null && r.budgetCurrency !== null ? { amountMinor: r.budgetAmountMinor, currency: r.budgetCurrency } : null,
    kpiTargets: r.kpiTargets.map((k) => ({ metric: k.metric, target: k.target, window: k.window ?? null })),
    channelIds,
    tags: r.tags,
    ownerId: r.ownerId,
    approvalPolicyId: r.approvalPolicyId,
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!
  }
}

const kpis = (targets: Array<{ metric: string, target: number, window?: string | null }>): KpiTarget[] =>
  targets.map((k) => ({ metric: k.metric, target: k.target, window: k.window ?? null }))

const budgetValues = (b: Budget | null | undefined) => ({ budgetAmountMinor: b?.amountMinor ?? null, budgetCurrency: b?.currency ?? null })

export function valuesForCreate (input: CreateCampaignInput, ownerId: string | null): CampaignValues {
  return {
    name: input.name,
    brief: input.brief ?? null,
    objective: input.objective,
    status: 'draft',
    startsOn: input.startsOn ?? null,
    endsOn: input.endsOn ?? null,
    ...budgetValues(input.budget),
    kpiTargets: kpis(input.kpiTargets ?? []),
    tags: input.tags ?? [],
    ownerId,
    approvalPolicyId: input.approvalPolicyId ?? null
  }
}

type Field = Exclude<keyof UpdateCampaignInput, 'brandId'>

/**
 * The stored values a patch sets, and the wire fields it really changes (a field sent with
 * its current value is not a change). Channels are compared as a set.
 */
export function diffPatch (current: CampaignDto, patch: UpdateCampaignInput): { values: Partial<CampaignValues>, changed: Field[] } {
  const values: Partial<CampaignValues> = {}
  const changed: Field[] = []
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  const set = <K extends keyof CampaignValues>(field: Field, key: K, value: CampaignValues[K], before: unknown) => {
    if (same(value, before)) return
    values[key] = value
    changed.push(field)
  }
  if (patch.name !== undefined) set('name', 'name', patch.name, current.name)
  if (patch.brief !== undefined) set('brief', 'brief', patch.brief, current.brief)
  if (patch.objective !== undefined) set('objective', 'objective', patch.objective, current.objective)
  if (patch.status !== undefined) set('status', 'status', patch.status, current.status)
  if (patch.startsOn !== undefined) set('startsOn', 'startsOn', patch.startsOn, current.startsOn)
  if (patch.endsOn !== undefined) set('endsOn', 'endsOn', patch.endsOn, current.endsOn)
  if (patch.budget !== undefined && !same(patch.budget, current.budget)) {
    Object.assign(values, budgetValues(patch.budget))
    changed.push('budget')
  }
  if (patch.kpiTargets !== undefined) set('kpiTargets', 'kpiTargets', kpis(patch.kpiTargets), current.kpiTargets)
  if (patch.tags !== undefined) set('tags', 'tags', patch.tags, current.tags)
  if (patch.ownerId !== undefined) set('ownerId', 'ownerId', patch.ownerId, current.ownerId)
  if (patch.approvalPolicyId !== undefined) set('approvalPolicyId', 'approvalPolicyId', patch.approvalPolicyId, current.approvalPolicyId)
  if (patch.channelIds !== undefined && !same([...patch.channelIds].sort(), [...current.channelIds].sort())) changed.push('channelIds')
  return { values, changed }
}

/** Dates are calendar days in the brand's time zone; a campaign may start and end the same day. */
export function checkDates (startsOn: string | null, endsOn: string | null): void {
  if (startsOn && endsOn && endsOn < startsOn) {
    throw new AppError('HERALD_VALIDATION', `endsOn (${endsOn}) must not be before startsOn (${startsOn}).`, {
      errors: [{ path: 'endsOn', message: `must not be before startsOn (${startsOn})` }]
    })
  }
}
