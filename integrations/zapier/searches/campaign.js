'use strict'

const { call } = require('../lib/herald')
const { campaignSample } = require('../triggers/lists')

// Find a campaign by its name (exact, ignoring case and surrounding spaces), newest first.
// Herald's campaign list has no name filter, so this reads the list a page at a time (200 per
// page, at most MAX_PAGES pages) and matches here.
const MAX_PAGES = 10

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
      const wanted = String(bundle.inputData.name).trim().toLowerCase()
      const found = []
      let cursor
      for (let i = 0; i < MAX_PAGES; i++) {
        const page = await call(z, bundle, 'GET', '/v1/campaigns', { params: { sort: '-createdAt', limit: 200, brandId: bundle.inputData.brandId, cursor } })
        for (const c of page.data) if (String(c.name).trim().toLowerCase() === wanted) found.push(c)
        if (!page.nextCursor) break
        cursor = page.nextCursor
      }
      return found
    },
    sample: campaignSample,
    outputFields: [{ key: 'id', label: 'Campaign ID' }, { key: 'name', label: 'Name' }, { key: 'status', label: 'Status' }]
  }
}
