'use strict'

const { call, compact, recordOfEnvelope, recordOfEvent } = require('../lib/herald')

// REST-hook triggers on content items: subscribing creates a Herald webhook for the Zap's URL
// (POST /v1/webhooks), unsubscribing deletes it (DELETE /v1/webhooks/{id}), and each delivered
// envelope becomes one record. Samples come from GET /v1/events (the same events, same shape).

const brandField = {
  key: 'brandId',
  label: 'Brand',
  dynamic: 'brand.id.name',
  required: false,
  helpText: 'Only this brand\'s content (every brand the key may see when empty).'
}

function contentTrigger ({ key, eventType, label, description, sample }) {
  return {
    key,
    noun: 'Content Item',
    display: { label, description },
    operation: {
      type: 'hook',
      inputFields: [brandField],
      performSubscribe: async (z, bundle) => call(z, bundle, 'POST', '/v1/webhooks', {
        body: compact({
          url: bundle.targetUrl,
          eventTypes: [eventType],
          brandId: bundle.inputData.brandId,
          description: `Zapier: ${label}`.slice(0, 500)
        })
      }),
      performUnsubscribe: async (z, bundle) => {
        await call(z, bundle, 'DELETE', `/v1/webhooks/${encodeURIComponent(bundle.subscribeData.id)}`)
        return { id: bundle.subscribeData.id }
      },
      // The envelope as delivered; anything else (a `webhook.test` sent from Herald) starts no Zap.
      perform: async (z, bundle) => {
        const envelope = bundle.cleanedRequest || {}
        return envelope.type === eventType && envelope.data ? [recordOfEnvelope(envelope)] : []
      },
      performList: async (z, bundle) => {
        const page = await call(z, bundle, 'GET', '/v1/events', { params: { type: eventType, brandId: bundle.inputData.brandId, sort: '-createdAt', limit: 10 } })
        return page.data.map(recordOfEvent)
      },
      sample: {
        id: '0190f5a2-7c1e-7b3a-9d4e-2f6a8b1c3d5e',
        eventType,
        occurredAt: '2026-03-03T12:00:00.000Z',
        contentItemId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
        brandId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        ...sample
      },
      outputFields: [
        { key: 'id', label: 'Event ID' },
        { key: 'eventType', label: 'Event type' },
        { key: 'occurredAt', label: 'Occurred at', type: 'datetime' },
        { key: 'contentItemId', label: 'Content item ID' },
        { key: 'brandId', label: 'Brand ID' }
      ]
    }
  }
}

module.exports = [
  contentTrigger({
    key: 'content_item_created',
    eventType: 'content_item.created',
    label: 'New Content Item',
    description: 'Triggers when a content item (a post for one or more social accounts) is created.',
    sample: { contentItem: { id: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', title: 'Spring launch', kind: 'post', status: 'draft', body: 'Spring blend is here', version: 1 } }
  }),
  contentTrigger({
    key: 'content_item_approved',
    eventType: 'content_item.approved',
    label: 'Content Approved',
    description: 'Triggers when a content item\'s review approves it (it may then be scheduled).',
    sample: { requestId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', steps: 1 }
  }),
  contentTrigger({
    key: 'content_item_published',
    eventType: 'content_item.published',
    label: 'Content Published',
    description: 'Triggers when every target of a content item is reported published.',
    sample: { publicationId: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f', targets: [{ targetId: '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a', externalId: '1902837465', url: 'https://x.com/contoso/status/1902837465' }] }
  }),
  contentTrigger({
    key: 'content_item_publish_requested',
    eventType: 'content_item.publish_requested',
    label: 'Publish Requested',
    description: 'Triggers when Herald asks your integration to post one target of a content item: post it, then use "Report Publish Result".',
    sample: {
      publicationId: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f',
      targetId: '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a',
      socialAccount: { id: '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b', platform: 'x', handle: 'contoso', externalId: null },
      kind: 'post',
      text: 'Spring blend is here',
      posts: ['Spring blend is here'],
      media: [],
      scheduledAt: '2026-03-03T12:00:00.000Z',
      late: false,
      reportTo: '/v1/content-items/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f/targets/4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a/publish-result'
    }
  })
]
