'use strict'

// Herald for Zapier: REST-hook triggers on content (Herald's signed webhooks), a polling trigger
// on campaigns, actions to create and submit content, report publish results and ingest
// metrics, and a campaign search. See README.md.

const { version } = require('./package.json')
const { version: platformVersion } = require('zapier-platform-core')
const authentication = require('./authentication')
const { addApiKey, problemToError } = require('./lib/herald')
const contentTriggers = require('./triggers/content-events')
const lists = require('./triggers/lists')
const { createContentItem, submitContentItem, reportPublishResult } = require('./creates/content')
const ingestMetric = require('./creates/metrics')
const findCampaign = require('./searches/campaign')

const byKey = (list) => Object.fromEntries(list.map((x) => [x.key, x]))

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [problemToError],
  triggers: byKey([...contentTriggers, lists.campaign, lists.brand, lists.socialAccount]),
  creates: byKey([createContentItem, submitContentItem, reportPublishResult, ingestMetric]),
  searches: byKey([findCampaign]),
  resources: {}
}
