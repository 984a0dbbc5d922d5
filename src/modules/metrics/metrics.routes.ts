import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { IdParams, useZod } from '../../lib/http.js'
import { pointsFromCsv, toCsv } from './metrics-csv.js'
import {
  BestTimesQuery, BestTimesSchema, CampaignProgressSchema, IngestResult, MetricDefinitionSchema, RATE_FIELDS, ReportQuery, ReportSchema, SUM_FIELDS, TopContentQuery, TopContentSchema, type ReportRow
} from './metrics.schemas.js'
import type { MetricsService } from './metrics.service.js'

/** 10,000 points of JSON with long source names fit well within this. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024

const DIM_COLUMNS = ['period', 'brandId', 'campaignId', 'socialAccountId', 'platform', 'contentItemId', 'contentKind'] as const

/** Whether the client asked for CSV (Accept: text/csv), rather than JSON. */
const wantsCsv = (req: FastifyRequest) => /\btext\/csv\b/.test(String(req.headers.accept ?? ''))

function sendRows (reply: FastifyReply, name: string, rows: ReportRow[], dims: readonly string[]) {
  const columns = [...DIM_COLUMNS.filter((c) => dims.includes(c)), 'currency', ...SUM_FIELDS, ...RATE_FIELDS]
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(columns, rows as unknown as Array<Record<string, unknown>>))
}

const dimsOfRows = (rows: ReportRow[]) => [...new Set(rows.flatMap((r) => Object.keys(r)))]

export const metricsRoutes: FastifyPluginAsyncZod<{ service: MetricsService }> = async (app, { service }) => {
  useZod(app)
  // CSV is accepted here only (this plugin's scope): every other route still answers 415 to it.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: INGEST_BODY_LIMIT }, (_req, body, done) => { done(null, body) })

  app.get('/v1/metric-definitions', {
    config: { auth: 'actor' },
    schema: { response: { 200: z.object({ data: z.array(MetricDefinitionSchema) }) } }
  }, async (req) => service.definitions(req.ctx()))

  app.post('/v1/metrics', {
    config: { auth: 'actor' },
    bodyLimit: INGEST_BODY_LIMIT,
    // The body is checked by the service: JSON and CSV go through the same point schema.
    schema: { response: { 200: IngestResult } }
  }, async (req) => {
    const body = typeof req.body === 'string' ? pointsFromCsv(req.body) : req.body
    return await service.ingest(req.ctx(), body)
  })

  app.get('/v1/reports/metrics', {
    config: { auth: 'actor' },
    schema: { querystring: ReportQuery, response: { 200: ReportSchema } }
  }, async (req, reply) => {
    const report = await service.report(req.ctx(), req.query)
    if (wantsCsv(req)) {
      const dims = report.groupBy.map((d) => ({ brand: 'brandId', campaign: 'campaignId', socialAccount: 'socialAccountId', platform: 'platform', contentItem: 'contentItemId', contentKind: 'contentKind', currency: 'currency' } as Record<string, string>)[d] ?? 'period')
      return sendRows(reply, `metrics-${report.from}-${report.to}`, report.data, dims)
    }
    return report
  })

  app.get('/v1/reports/top-content', {
    config: { auth: 'actor' },
    schema: { querystring: TopContentQuery, response: { 200: TopContentSchema } }
  }, async (req, reply) => {
    const report = await service.topContent(req.ctx(), req.query)
    if (wantsCsv(req)) return sendRows(reply, `top-content-${report.from}-${report.to}`, report.data, dimsOfRows(report.data))
    return report
  })

  app.get('/v1/reports/best-times', {
    config: { auth: 'actor' },
    schema: { querystring: BestTimesQuery, response: { 200: BestTimesSchema } }
  }, async (req) => await service.bestTimes(req.ctx(), req.query))

  app.get('/v1/campaigns/:id/progress', {
    config: { auth: 'actor' },
    schema: { params: IdParams, response: { 200: CampaignProgressSchema } }
  }, async (req) => await service.progress(req.ctx(), req.params.id))
}
