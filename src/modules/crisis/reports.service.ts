import { authorize } from '../../lib/actor.js'
import type { Ctx } from '../../lib/context.js'
import type { CrisisQueries } from './crisis.queries.js'
import type { CrisisRepository, IncidentRow, StepRow } from './crisis.repository.js'
import type { IncidentsService } from './incidents.service.js'
import type { ExportDto, ReportDto, ReportQuery } from './incidents.schemas.js'
import { definitionOf, toEntryDto } from './crisis-dto.js'

// Reports: time to acknowledge, time to resolve, steps breached and items held, per incident
// and per brand and month (the brand's time zone); and the post-incident export of one whole
// incident as JSON or Markdown. Read-only; incidents:read, with the same visibility as lists.

const seconds = (from: Date, to: Date | null) => (to ? Math.round((to.getTime() - from.getTime()) / 1000) : null)
const mean = (xs: Array<number | null>) => { const v = xs.filter((x): x is number => x !== null); return v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : null }
/** Completed late, or never completed and past their target by the resolution (or now, while open). */
const breachedCount = (steps: readonly StepRow[], until: number) => steps.filter((s) => s.breached === true || (s.completedAt === null && s.dueAt.getTime() <= until)).length

function monthIn (at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at)
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v)
  // Quote always; neutralise spreadsheet formulas (OWASP CSV injection).
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`
}
export const toCsv = (rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n'

export function createReportsService (deps: { repo: CrisisRepository, queries: CrisisQueries, incidents: Pick<IncidentsService, 'find' | 'dtos' | 'visibility'> }) {
  const { repo, queries, incidents } = deps

  async function measure (ctx: Ctx, rows: readonly IncidentRow[]) {
    const steps = await repo.incidents.stepsOf(ctx.actor.orgId, rows.map((r) => r.id), ctx.db)
    const pauses = await repo.pauses.byIds(ctx.actor.orgId, rows.flatMap((r) => (r.pauseId ? [r.pauseId] : [])), ctx.db)
    const now = Date.now()
    return rows.map((r) => ({
      incidentId: r.id,
      brandId: r.brandId,
      playbookId: r.playbookId,
      severity: r.severity,
      status: r.status,
      openedAt: r.createdAt.toISOString(),
      timeToAcknowledgeSeconds: seconds(r.createdAt, r.acknowledgedAt),
      timeToResolveSeconds: seconds(r.createdAt, r.resolvedAt),
      stepsBreached: breachedCount(steps.filter((s) => s.incidentId === r.id), r.resolvedAt?.getTime() ?? now),
      itemsHeld: pauses.find((p) => p.id === r.pauseId)?.heldItemIds.length ?? 0
    }))
  }

  return {
    async report (ctx: Ctx, q: ReportQuery): Promise<ReportDto> {
      authorize(ctx.actor, 'incidents:read')
      const range = { brandId: q.brandId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined }
      const rows = await repo.incidents.forReport(ctx.actor.orgId, range, incidents.visibility(ctx.actor), ctx.db)
      const perIncident = await measure(ctx, rows)
      const zones = await queries.timeZones(ctx.actor.orgId, rows.map((r) => r.brandId), ctx.db)
      const groups = new Map<string, typeof perIncident>()
      for (const r of perIncident) {
        const key = `${r.brandId} ${monthIn(new Date(r.openedAt), zones.get(r.brandId) ?? 'UTC')}`
        groups.set(key, [...(groups.get(key) ?? []), r])
      }
      const byBrandMonth = [...groups].map(([key, list]) => {
        const [brandId, month] = key.split(' ')
        return {
          brandId,
          month,
          incidents: list.length,
          meanTimeToAcknowledgeSeconds: mean(list.map((r) => r.timeToAcknowledgeSeconds)),
          meanTimeToResolveSeconds: mean(list.map((r) => r.timeToResolveSeconds)),
          stepsBreached: list.reduce((n, r) => n + r.stepsBreached, 0),
          itemsHeld: list.reduce((n, r) => n + r.itemsHeld, 0)
        }
      }).sort((x, y) => (x.brandId + x.month).localeCompare(y.brandId + y.month))
      return { incidents: perIncident, byBrandMonth }
    },

    /** The whole incident: what it is, the playbook version it ran, every timeline entry, its measures. */
    async export (ctx: Ctx, id: string): Promise<ExportDto> {
      authorize(ctx.actor, 'incidents:read')
      const row = await incidents.find(ctx, id)
      const [incident] = await incidents.dtos(ctx, [row])
      const version = await repo.playbooks.version(ctx.actor.orgId, row.playbookId, row.playbookVersion, ctx.db)
      const timeline = (await repo.incidents.allEntries(ctx.actor.orgId, id, ctx.db)).map(toEntryDto)
      const [m] = await measure(ctx, [row])
      return { incident, playbook: version ? { ...definitionOf(version), id: row.playbookId, version: row.playbookVersion } : {}, timeline, measures: m }
    }
  }
}
export type ReportsService = ReturnType<typeof createReportsService>

/** The export as Markdown, for a post-incident review document. */
export function exportMarkdown (x: Awaited<ReturnType<ReportsService['export']>>): string {
  const esc = (s: unknown) => String(s ?? '').replace(/([\\`*_[\]<>|])/g, '\\$1')
  const p = x.playbook as { name?: string, scenario?: string }
  const lines = [
    `# Incident ${x.incident.id}`,
    '',
    `- Playbook: ${esc(p.name)} (version ${x.incident.playbookVersion})`,
    `- Brand: ${x.incident.brandId}`,
    `- Severity: ${esc(x.incident.severity)}`,
    `- Status: ${x.incident.status}`,
    `- Opened: ${x.incident.createdAt}`,
    `- Acknowledged: ${x.incident.acknowledgedAt ?? '—'}`,
    `- Resolved: ${x.incident.resolvedAt ?? '—'}`,
    `- Time to acknowledge: ${x.measures.timeToAcknowledgeSeconds ?? '—'} s`,
    `- Time to resolve: ${x.measures.timeToResolveSeconds ?? '—'} s`,
    `- Steps breached: ${x.measures.stepsBreached}`,
    `- Items held: ${x.measures.itemsHeld}`,
    '',
    '## Summary',
    '',
    esc(x.incident.summary ?? '(not resolved)'),
    '',
    '## Checklist',
    '',
    '| # | Step | Target (min) | Completed | By | Breached |',
    '|---|---|---|---|---|---|',
    ...x.incident.checklist.map((s) => `| ${s.position} | ${esc(s.title)} | ${s.responseTargetMinutes} | ${s.completedAt ?? '—'} | ${esc(s.completedBy?.label ?? '')} | ${s.breached === null ? '—' : s.breached ? 'yes' : 'no'} |`),
    '',
    '## Timeline',
    '',
    ...x.timeline.map((e) => `- ${e.createdAt} — **${e.kind}** by ${esc(e.actor.label ?? e.actor.type)}${e.body ? `: ${esc(e.body)}` : ''}${Object.keys(e.data).length ? ` \`${JSON.stringify(e.data).replace(/`/g, "'")}\`` : ''}`),
    ''
  ]
  return lines.join('\n')
}
