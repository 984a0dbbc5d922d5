'use strict'

const { call, compact } = require('../lib/herald')

// Actions on content items: create one (a draft), send it for review, and report how posting
// one of its targets went (the answer to a "Publish Requested" trigger).

const KINDS = ['post', 'story', 'reel', 'short_video', 'video', 'carousel', 'article', 'thread']
const itemSample = {
  id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
  brandId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  title: 'Spring launch',
  kind: 'post',
  status: 'draft',
  body: 'Spring blend is here',
  targets: [{ id: '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a', socialAccountId: '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b' }],
  version: 1
}
const itemOutput = [
  { key: 'id', label: 'Content item ID' },
  { key: 'status', label: 'Status' },
  { key: 'title', label: 'Title' },
  { key: 'version', label: 'Version', type: 'integer' }
]

const createContentItem = {
  key: 'content_item',
  noun: 'Content Item',
  display: { label: 'Create Content Item', description: 'Creates a draft content item (a post for one or more social accounts).' },
  operation: {
    inputFields: [
      { key: 'brandId', label: 'Brand', required: true, dynamic: 'brand.id.name', altersDynamicFields: true },
      { key: 'title', label: 'Title', required: true, helpText: 'For your team (up to 200 characters); not published.' },
      { key: 'kind', label: 'Kind', required: true, choices: KINDS, default: 'post' },
      { key: 'body', label: 'Text', type: 'text', required: false },
      { key: 'socialAccountIds', label: 'Social accounts', list: true, required: false, dynamic: 'social_account.id.label', helpText: 'Where it will be published (its targets).' },
      { key: 'campaignId', label: 'Campaign', required: false, dynamic: 'campaign.id.name' },
      { key: 'link', label: 'Link', required: false },
      { key: 'hashtags', label: 'Hashtags', list: true, required: false, helpText: 'Without the leading #.' },
      { key: 'labels', label: 'Labels', list: true, required: false },
      { key: 'scheduledAt', label: 'Planned for', type: 'datetime', required: false, helpText: 'When it should go out (it still needs approval and scheduling).' }
    ],
    perform: async (z, bundle) => {
      const d = bundle.inputData
      const targets = (d.socialAccountIds || []).filter(Boolean).map((socialAccountId) => ({ socialAccountId }))
      return call(z, bundle, 'POST', '/v1/content-items', {
        body: compact({
          brandId: d.brandId,
          title: d.title,
          kind: d.kind || 'post',
          body: d.body,
          campaignId: d.campaignId,
          link: d.link,
          hashtags: d.hashtags,
          labels: d.labels,
          targets,
          scheduledAt: d.scheduledAt
        })
      })
    },
    sample: itemSample,
    outputFields: itemOutput
  }
}

const submitContentItem = {
  key: 'submit_content_item',
  noun: 'Content Item',
  display: { label: 'Submit Content Item for Approval', description: 'Sends a draft content item to its brand\'s review (an approval request opens).' },
  operation: {
    inputFields: [
      { key: 'contentItemId', label: 'Content item ID', required: true },
      { key: 'dueAt', label: 'Review due by', type: 'datetime', required: false }
    ],
    perform: async (z, bundle) => call(z, bundle, 'POST', `/v1/content-items/${encodeURIComponent(bundle.inputData.contentItemId)}/submit`, {
      body: compact({ dueAt: bundle.inputData.dueAt })
    }),
    sample: { ...itemSample, status: 'in_review', version: 2 },
    outputFields: itemOutput
  }
}

const reportPublishResult = {
  key: 'publish_result',
  noun: 'Publish Result',
  display: { label: 'Report Publish Result', description: 'Tells Herald how posting one target went: published (with the network\'s id and URL) or failed.' },
  operation: {
    inputFields: [
      { key: 'contentItemId', label: 'Content item ID', required: true, helpText: 'From "Publish Requested": Content item ID.' },
      { key: 'targetId', label: 'Target ID', required: true, helpText: 'From "Publish Requested": Target ID.' },
      { key: 'status', label: 'Outcome', required: true, choices: { published: 'Published', failed: 'Failed' } },
      { key: 'externalId', label: 'Post ID on the network', required: false, helpText: 'Required when published.' },
      { key: 'url', label: 'Post URL', required: false },
      { key: 'publishedAt', label: 'Published at', type: 'datetime', required: false },
      { key: 'reason', label: 'Why it failed', required: false, helpText: 'Required when failed.' },
      { key: 'retryable', label: 'Worth retrying', type: 'boolean', required: false }
    ],
    perform: async (z, bundle) => {
      const d = bundle.inputData
      const body = d.status === 'failed'
        ? compact({ status: 'failed', reason: d.reason, retryable: d.retryable === undefined || d.retryable === '' ? undefined : d.retryable === true || d.retryable === 'true' })
        : compact({ status: d.status, externalId: d.externalId, url: d.url, publishedAt: d.publishedAt })
      return call(z, bundle, 'POST', `/v1/content-items/${encodeURIComponent(d.contentItemId)}/targets/${encodeURIComponent(d.targetId)}/publish-result`, { body })
    },
    sample: { id: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f', contentItemId: itemSample.id, status: 'published', attempt: 1 },
    outputFields: [{ key: 'id', label: 'Publication ID' }, { key: 'status', label: 'Publication status' }]
  }
}

module.exports = { createContentItem, submitContentItem, reportPublishResult, KINDS }
