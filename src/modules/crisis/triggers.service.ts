import { systemActor } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import type { RecordEvent } from '../events/public.js'
import type { IngestSummary, MetricsService } from '../metrics/public.js'
import type { CrisisRepository } from './crisis.repository.js'
import { definitionOf } from './crisis-dto.js'
import type { IncidentsService } from './incidents.service.js'

// Metric triggers: evaluated in the ingestion's transaction (the metrics module's afterIngest
// hook). For each playbook rule on an ingested metric and each brand the playbook covers among
// those touched, the metric's sum over the rule's window ending now is compared with the
// threshold. A crossing is claimed under the rule's cooldown (crisis_trigger_states), so a
// spike sent in many requests crosses once; it raises metrics.threshold_crossed and, when the
// rule says so, activates the playbook as the system actor, which returns the open incident
// instead of opening a second one.

export interface TriggersDeps {
  repo: CrisisRepository
  metrics: Pick<MetricsService, 'sumOverWindow'>
  incidents: Pick<IncidentsService, 'activate'>
  record: RecordEvent
}

export function createTriggersService (deps: TriggersDeps) {
  const { repo, metrics, incidents, record } = deps

  return {
    async evaluate (ctx: Ctx, summary: IngestSummary): Promise<Array<{ playbookId: string, brandId: string, incidentId: string | null }>> {
      const orgId = ctx.actor.orgId
      const fired: Array<{ playbookId: string, brandId: string, incidentId: string | null }> = []
      const playbooks = await repo.triggers.playbooksWithRules(orgId, summary.metrics, ctx.db)
      const now = new Date()
      for (const playbook of playbooks) {
        const d = definitionOf(playbook)
        const brands = summary.brandIds.filter((b) => d.brandIds === null || d.brandIds.includes(b))
        for (const [ruleIndex, rule] of d.triggers.metricRules.entries()) {
          if (!summary.metrics.includes(rule.metric)) continue
          for (const brandId of brands) {
            const from = new Date(now.getTime() - rule.windowMinutes * 60_000)
            const value = await metrics.sumOverWindow(orgId, brandId, rule.metric, from, now, { db: ctx.db })
            if (value < rule.threshold) continue
            if (!await repo.triggers.claim(orgId, { playbookId: playbook.id, ruleIndex, brandId }, rule.cooldownMinutes, now, ctx.db)) continue
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
            fired.push({ playbookId: playbook.id, brandId, incidentId })
          }
        }
      }
      return fired
    }
  }
}
export type TriggersService = ReturnType<typeof createTriggersService>
