'use strict'

const { call, compact } = require('../lib/herald')

// One metric point per run (e.g. a spreadsheet row or an ads report line): POST /v1/metrics,
// idempotent per subject, metric and period, so a Zap that runs twice changes nothing.

const METRICS = ['impressions', 'reach', 'engagements', 'likes', 'comments', 'shares', 'saves', 'clicks',
  'video_views', 'followers', 'conversions', 'spend', 'revenue', 'mentions', 'negative_mentions',
  'response_seconds_total', 'responses']

module.exports = {
  key: 'metric',
  noun: 'Metric',
  display: { label: 'Ingest Metric', description: 'Records one number for a content item, social account or campaign over an hour or a day.' },
  operation: {
    inputFields: [
      { key: 'subjectType', label: 'For a', required: true, choices: { content_item: 'Content item', social_account: 'Social account', campaign: 'Campaign' } },
      { key: 'subjectId', label: 'Its ID', required: true },
      { key: 'socialAccountId', label: 'Social account ID', required: false, helpText: 'Content items only: the account the numbers come from.' },
      { key: 'metric', label: 'Metric', required: true, choices: METRICS },
      { key: 'granularity', label: 'Period', required: true, choices: { day: 'Day', hour: 'Hour' }, default: 'day' },
      { key: 'periodStart', label: 'Period start', required: true, helpText: 'A date (2026-03-29, the brand\'s local day) or the hour\'s start (2026-03-29T10:00:00Z).' },
      { key: 'value', label: 'Value', type: 'number', required: true },
      { key: 'currency', label: 'Currency', required: false, helpText: 'Money metrics (spend, revenue) only: ISO 4217, e.g. EUR.' },
      { key: 'source', label: 'Source', required: false, default: 'zapier', helpText: 'Who measured it.' },
      { key: 'collectedAt', label: 'Collected at', type: 'datetime', required: false, helpText: 'Now when empty.' }
    ],
    perform: async (z, bundle) => {
      const d = bundle.inputData
      const value = typeof d.value === 'number' ? d.value : Number(d.value)
      const point = compact({
        subjectType: d.subjectType,
        subjectId: d.subjectId,
        socialAccountId: d.socialAccountId,
        metric: d.metric,
        granularity: d.granularity || 'day',
        periodStart: d.periodStart,
        value: Number.isFinite(value) ? value : d.value,
        currency: d.currency,
        source: d.source || 'zapier',
        collectedAt: d.collectedAt || new Date().toISOString()
      })
      return call(z, bundle, 'POST', '/v1/metrics', { body: { points: [point] } })
    },
    sample: { received: 1, inserted: 1, updated: 0, unchanged: 0 },
    outputFields: [
      { key: 'received', type: 'integer' },
      { key: 'inserted', type: 'integer' },
      { key: 'updated', type: 'integer' },
      { key: 'unchanged', type: 'integer' }
    ]
  }
}
