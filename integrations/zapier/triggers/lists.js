'use strict'

const { call } = require('../lib/herald')

// Polling triggers on Herald's lists, which answer newest first (`sort=-createdAt`) with stable
// ids, so Zapier's deduplication by `id` sees each new row once. Brands and social accounts are
// hidden: they fill the dropdowns of the other operations.

const campaignSample = {
  id: '7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d',
  brandId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  name: 'Spring launch',
  status: 'planned',
  objective: 'awareness',
  startsOn: '2026-03-01',
  endsOn: '2026-03-31',
  createdAt: '2026-02-20T09:00:00.000Z',
  version: 1
}

const campaign = {
  key: 'campaign',
  noun: 'Campaign',
  display: { label: 'New Campaign', description: 'Triggers when a campaign is created.' },
  operation: {
    inputFields: [{ key: 'brandId', label: 'Brand', dynamic: 'brand.id.name', required: false, helpText: 'Only this brand\'s campaigns.' }],
    perform: async (z, bundle) => (await call(z, bundle, 'GET', '/v1/campaigns', { params: { sort: '-createdAt', limit: 100, brandId: bundle.inputData.brandId } })).data,
    sample: campaignSample,
    outputFields: [
      { key: 'id', label: 'Campaign ID' },
      { key: 'name', label: 'Name' },
      { key: 'brandId', label: 'Brand ID' },
      { key: 'status', label: 'Status' },
      { key: 'startsOn', label: 'Starts on' },
      { key: 'endsOn', label: 'Ends on' }
    ]
  }
}

const brand = {
  key: 'brand',
  noun: 'Brand',
  display: { label: 'New Brand', description: 'Lists brands (for choosing one).', hidden: true },
  operation: {
    perform: async (z, bundle) => (await call(z, bundle, 'GET', '/v1/brands', { params: { sort: 'name', limit: 200 } })).data,
    sample: { id: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', name: 'Contoso', timeZone: 'Europe/Paris' }
  }
}

const socialAccount = {
  key: 'social_account',
  noun: 'Social Account',
  display: { label: 'New Social Account', description: 'Lists social accounts (for choosing targets).', hidden: true },
  operation: {
    inputFields: [{ key: 'brandId', label: 'Brand', required: false }],
    perform: async (z, bundle) => {
      const page = await call(z, bundle, 'GET', '/v1/social-accounts', { params: { sort: '-createdAt', limit: 200, brandId: bundle.inputData.brandId } })
      return page.data.map((a) => ({ ...a, label: `${a.platform} @${a.handle}` }))
    },
    sample: { id: '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b', brandId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', platform: 'x', handle: 'contoso', label: 'x @contoso' }
  }
}

module.exports = { campaign, brand, socialAccount, campaignSample }
