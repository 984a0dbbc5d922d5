import { systemActor } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import type { RecordEvent } from '../events/public.js'
import type { IngestSummary, MetricsService } from '../metrics/public.js'
import type { CrisisRepository, PlaybookRow } from './crisis.repository.js'
import { BASE_METRICS } from '../../lib/metrics-vocabulary.js'
import { definitionOf } from './crisis-dto.js'
import type { IncidentsService } from './incidents.service.js'

// Metric triggers: evaluated in the ingestion's transaction (the metrics module's afterIngest
// hook). For each playbook rule on an ingested metric and each brand the playbook covers among
// those touched, the metric's sum over the rule's window ending now is compared with the
// threshold. A crossing is claimed under the rule's cooldown (crisis_trigger_states), so a
// spike sent in many requests crosses once; it raises metrics.threshold_crossed and, when the
// rule says so, activates the playbook as the system actor, which returns the open incident
// instead of opening a second one. The crisis-timers job evaluates every rule again each minute
// (evaluateWindows), so a window that closes without new data is evaluated as well.

export interface TriggersDeps {
  repo: CrisisRepository
  metrics: Pick<MetricsService, 'sumOverWindow' | 'brandsWithData'>
  incidents: Pick<IncidentsService, 'activate'>
  record: RecordEvent
}

export type Crossing = { playbookId: string, brandId: string, incidentId: string | null }
export type OnRuleError = (err: unknown, at: { playbookId: string, ruleIndex: number, brandId: string }) => void

export function createTriggersService (deps: TriggersDeps) {
  const { repo, metrics, incidents, record } = deps

  /** One rule for one brand at `now`: compare, claim under the cooldown, announce, activate. */
  async function evaluateRule (ctx: Ctx, playbook: PlaybookRow, ruleIndex: number, brandId: string, now: Date): Promise<Crossing | null> {
    const orgId = ctx.actor.orgId
    const d = definitionOf(playbook)
    const rule = d.triggers.metricRules[ruleIndex]
    const from = new Date(now.getTime() - rule.windowMinutes * 60_000)
    const value = await metrics.sumOverWindow(orgId, brandId, rule.metric, from, now, { db: ctx.db })
    if (value < rule.threshold) return null
    if (!await repo.triggers.claim(orgId, { playbookId: playbook.id, ruleIndex, brandId }, rule.cooldownMinutes, now, ctx.db)) return null
    const system: Ctx = { ...ctx, actor: systemActor(orgId, `metric trigger: ${rule.metric} ≥ ${rule.threshold} in ${rule.windowMinutes} min`) }
    let incidentId: string | null = null
    if (rule.activate) {
      const incident = await incidents.activate(system, playbook.id, { brandId, severity: rule.severity ?? d.severityLevels[0].level }, 'metric')
      incidentId = incident.id
    }
    await record(system, {
      type: 'metrics.threshold_crossed',
      subjectType: 'crisis_playbook',
      subjectId: playbook.id,
      brandId,
      data: { playbookId: playbook.id, ruleIndex, rule, value, windowFrom: from.toISOString(), windowTo: now.toISOString(), incidentId }
    })
    return { playbookId: playbook.id, brandId, incidentId }
  }

  /** evaluateRule in a savepoint: a failure rolls back that rule's claim, event and incident only. */
  async function guarded (ctx: Ctx, playbook: PlaybookRow, ruleIndex: number, brandId: string, now: Date, onError: OnRuleError): Promise<Crossing | null> {
    try {
      return await ctx.db.transaction(async (sp) => await evaluateRule({ ...ctx, db: sp }, playbook, ruleIndex, brandId, now))
    } catch (err) {
      onError(err, { playbookId: playbook.id, ruleIndex, brandId })
      return null
    }
  }

  return {
    /**
     * In the ingestion's transaction: the rules on the metrics it touched, for the brands it
     * touched. Each rule and brand runs in a savepoint: one that fails (e.g. its activation is
     * refused because the brand is already paused) is reported to onError and does not fail the
     * ingestion; the timer tries it again.
     */
    async evaluate (ctx: Ctx, summary: IngestSummary, now = new Date(), onError: OnRuleError = () => {}): Promise<Crossing[]> {
      const fired: Crossing[] = []
      const playbooks = await repo.triggers.playbooksWithRules(ctx.actor.orgId, summary.metrics, ctx.db)
      for (const playbook of playbooks) {
        const d = definitionOf(playbook)
        const brands = summary.brandIds.filter((b) => d.brandIds === null || d.brandIds.includes(b))
        for (const [ruleIndex, rule] of d.triggers.metricRules.entries()) {
          if (!summary.metrics.includes(rule.metric)) continue
          for (const brandId of brands) {
            const crossing = await guarded(ctx, playbook, ruleIndex, brandId, now, onError)
            if (crossing) fired.push(crossing)
          }
        }
      }
      return fired
    },

    /**
     * The timer (system actor, one organization's transaction): every rule of every playbook,
     * for each covered brand with points of the rule's metric in its window ending at `now` —
     * so a window that closes, or a cooldown that ends, without new data is evaluated too.
     * Each rule and brand runs in a savepoint, as for ingestion.
     */
    async evaluateWindows (ctx: Ctx, now: Date, onError: OnRuleError = () => {}): Promise<Crossing[]> {
      const orgId = ctx.actor.orgId
      const fired: Crossing[] = []
      const playbooks = await repo.triggers.playbooksWithRules(orgId, BASE_METRICS, ctx.db)
      for (const playbook of playbooks) {
        const d = definitionOf(playbook)
        for (const [ruleIndex, rule] of d.triggers.metricRules.entries()) {
          const from = new Date(now.getTime() - rule.windowMinutes * 60_000)
          const brands = (await metrics.brandsWithData(orgId, rule.metric, from, now, { db: ctx.db }))
            .filter((b) => d.brandIds === null || d.brandIds.includes(b)).sort()
          for (const brandId of brands) {
            const crossing = await guarded(ctx, playbook, ruleIndex, brandId, now, onError)
            if (crossing) fired.push(crossing)
          }
        }
      }
      return fired
    }
  }
}
export type TriggersService = ReturnType<typeof createTriggersService>
