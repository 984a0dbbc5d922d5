'use strict'

const { call } = require('./lib/herald')

// Custom auth: a Herald API key (created with POST /v1/api-keys, shown once), sent as
// `Authorization: Bearer <key>`; GET /v1/me is the test and names the connection.
module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'baseUrl',
      label: 'Herald URL',
      type: 'string',
      required: false,
      helpText: 'Where your Herald runs, e.g. `https://herald.example.com` (https). Leave empty to use the app\'s `HERALD_BASE_URL` setting.'
    },
    {
      key: 'apiKey',
      label: 'API key',
      type: 'password',
      required: true,
      helpText: 'A Herald API key (Settings → API keys, or `POST /v1/api-keys`). Give it the scopes of what your Zaps do: `events:read` and `webhooks:manage` for the triggers on content, `campaigns:read`, `content:write`, `publishing:write`, `metrics:write` for the actions.'
    }
  ],
  test: async (z, bundle) => call(z, bundle, 'GET', '/v1/me'),
  connectionLabel: (z, bundle) => {
    const me = bundle.inputData || {}
    const who = me.apiKey ? me.apiKey.name : me.user ? me.user.email : 'Herald'
    return me.organization ? `${me.organization.name} (${who})` : who
  }
}
