// Rows metrics need from other modules (content items with a campaign and a schedule), made
// with SQL as the database owner; points themselves go through the public API.
import { randomUUID } from 'node:crypto'
import { bearer, json, unique, type TestApp } from './helper.js'

export async function contentItem (h: TestApp, orgId: string, brandId: string, fields: { campaignId?: string | null, kind?: string, scheduledAt?: string | null, labels?: string[] } = {}): Promise<string> {
  const id = randomUUID()
  await h.sql(`INSERT INTO content_items (id, organization_id, brand_id, campaign_id, title, kind, scheduled_at, labels, created_by_type)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'system')`, [id, orgId, brandId, fields.campaignId ?? null, unique('post'), fields.kind ?? 'post', fields.scheduledAt ?? null, fields.labels ?? []])
  return id
}

export interface PointInput {
  subjectType?: string
  subjectId: string
  metric: string
  value: number
  periodStart: string
  granularity?: string
  currency?: string
  socialAccountId?: string
  source?: string
  collectedAt?: string
}

export const point = (p: PointInput) => ({ subjectType: 'content_item', granularity: 'day', source: 'test-collector', collectedAt: '2026-04-01T06:00:00Z', ...p })

export async function ingest (h: TestApp, token: string, points: Array<Record<string, unknown>>) {
  const res = await h.inject({ method: 'POST', url: '/v1/metrics', headers: bearer(token), payload: { points } })
  return { status: res.statusCode, body: json(res) }
}
