'use strict'

const { call } = require('../lib/herald')
const { campaignSample } = require('../triggers/lists')

// Find a campaign by its name (exact, ignoring case and surrounding spaces), newest first:
// Herald's `GET /v1/campaigns?name=` does the matching, so one call answers.
module.exports = {
  key: 'campaign',
  noun: 'Campaign',
  display: { label: 'Find Campaign', description: 'Finds a campaign by its name.' },
  operation: {
    inputFields: [
      { key: 'name', label: 'Name', required: true },
      { key: 'brandId', label: 'Brand', dynamic: 'brand.id.name', required: false }
    ],
    perform: async (z, bundle) => {
      const page = await call(z, bundle, 'GET', '/v1/campaigns', { params: { sort: '-createdAt', limit: 50, name: String(bundle.inputData.name).trim(), brandId: bundle.inputData.brandId } })
      return page.data
    },
    sample: campaignSample,
    outputFields: [{ key: 'id', label: 'Campaign ID' }, { key: 'name', label: 'Name' }, { key: 'status', label: 'Status' }]
  }
}
