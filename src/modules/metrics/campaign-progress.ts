import type { CampaignDto } from '../campaigns/public.js'
import { DEFINITION_OF, fieldOf } from './metrics.catalogue.js'
import type { CampaignProgress, Freshness } from './metrics.schemas.js'

// A campaign's progress against its KPI targets, from the report engine's sums.
//
// - actual: the metric (or rate, from sums) over the campaign's dates up to today (or over the
//   target's window, ending today or on the last day), in the brand's time zone;
// - share: actual / target; for costs (cpc, cpm, cpa, average_response_seconds), where lower
//   is better, target / actual;
// - expectedShare: for totals, the part of the campaign's days gone by (linear); null for
//   rates and costs (they are levels, expected at their target all along) and for campaigns
//   without both dates;
// - status: `hit` once a total reaches its target (rates and costs: on the last day, if they
//   are at target then); `missed` when the campaign ended short of it; otherwise `on_track`
//   while the share keeps up with 90% of the expected share (rates and costs: while at
//   target), `at_risk` when it does not.

type EngineCall = (q: { from: string, to: string, currency?: string }) => Promise<{ rows: Array<Record<string, unknown>>, freshness: Freshness }>

const LOWER_IS_BETTER = new Set(['cpc', 'cpm', 'cpa', 'average_response_seconds'])
const DAY = 86_400_000

/** Today's date (YYYY-MM-DD) in a time zone. */
export function localDate (at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY)

/** The whole days an ISO 8601 duration covers (P7D: 7, P2W: 14, P1M: 30, PT24H: 1), at least 1. */
export function windowDays (window: string): number {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(window)
  if (!m) return 1
  const [, y, mo, w, d, h, mi, s] = m.map((x) => Number(x ?? 0))
  const seconds = h * 3600 + mi * 60 + s
  return Math.max(1, y * 365 + mo * 30 + w * 7 + d + Math.ceil(seconds / 86_400))
}

/** Minor units of a decimal amount, by the currency's usual digits (cents for EUR, none for JPY). */
export function toMinor (amount: number, currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  return Math.round(amount * 10 ** digits)
}

export async function campaignProgress (campaign: CampaignDto, timeZone: string, now: Date, run: EngineCall): Promise<CampaignProgress> {
  const today = localDate(now, timeZone)
  const start = campaign.startsOn ?? localDate(new Date(campaign.createdAt), timeZone)
  const end = campaign.endsOn
  const last = end && end < today ? end : today
  const started = start <= last
  const ended = end !== null && today > end
  const currency = campaign.budget?.currency
  const expected = campaign.startsOn && end
    ? Math.min(1, Math.max(0, (daysBetween(start, today) + 1) / (daysBetween(start, end) + 1)))
    : null

  // One engine call per distinct window; issued together they travel in one round trip.
  const windows = [...new Set(campaign.kpiTargets.map((k) => k.window ?? ''))]
  const call = async (window: string) => {
    if (!started) return null
    const from = window ? [start, addDays(last, 1 - windowDays(window))].sort()[1] : start
    return await run({ from, to: last, ...(currency ? { currency } : {}) })
  }
  const [whole, ...perWindow] = await Promise.all([call(''), ...windows.map(call)])
  const rowOf = new Map(windows.map((w, i) => [w, perWindow[i]?.rows[0] ?? null]))

  const kpis = campaign.kpiTargets.map((k) => {
    const def = DEFINITION_OF.get(k.metric)
    const row = rowOf.get(k.window ?? '')
    const raw = row ? row[fieldOf(k.metric)] : (started ? null : 0)
    const actual = raw === null || raw === undefined ? (def?.aggregation === 'rate' ? null : 0) : Number(raw)
    const lower = LOWER_IS_BETTER.has(k.metric)
    const level = def?.aggregation === 'rate' || def?.aggregation === 'last'
    let share: number | null
    if (actual === null) share = null
    else if (lower) share = actual === 0 ? null : k.target / actual
    else share = k.target === 0 ? null : actual / k.target
    const atTarget = actual !== null && (lower ? actual <= k.target : actual >= k.target)
    let status: 'on_track' | 'at_risk' | 'hit' | 'missed'
    if (level || lower) status = ended ? (atTarget ? 'hit' : 'missed') : (atTarget || actual === null ? 'on_track' : 'at_risk')
    else if (atTarget) status = 'hit'
    else if (ended) status = 'missed'
    else status = expected === null || (share ?? 0) >= 0.9 * expected ? 'on_track' : 'at_risk'
    return { metric: k.metric, target: k.target, window: k.window ?? null, actual, share, expectedShare: level || lower ? null : expected, status }
  })

  const wholeRow = whole?.rows[0]
  const spend = wholeRow ? Number(wholeRow.spend) : 0
  const spendCurrency = currency ?? (wholeRow?.currency as string | null | undefined) ?? null
  return {
    campaignId: campaign.id,
    asOf: now.toISOString(),
    spendToDate: spendCurrency ? { amountMinor: toMinor(spend, spendCurrency), currency: spendCurrency } : null,
    kpis,
    freshness: whole?.freshness ?? { oldestCollectedAt: null, newestCollectedAt: null, sources: [] }
  }
}
