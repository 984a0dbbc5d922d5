/* global React, ReactDOM, GraphiQL */
// Herald's GraphiQL: posts to /graphql on this same server with the headers of the Headers
// tab. Every Herald operation needs a credential, so until the Authorization header holds
// one, the fetcher answers with a hint instead of sending a request bound to be refused.
'use strict'
;(function () {
  const endpoint = new URL('/graphql', window.location.href).href
  const placeholder = 'Bearer <access token or API key>'
  const hint = 'Herald needs a credential: in the Headers tab below, set "Authorization" to "Bearer " and an access token (POST /v1/auth/token) or an API key, then run the query again (and re-fetch the schema with the ⟳ button for the docs and autocompletion).'

  function authorization (headers) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') return String(headers[name])
    return ''
  }

  async function fetcher (params, options) {
    const headers = Object.assign({}, (options && options.headers) || {})
    if (!/^Bearer [^\s<>]+$/.test(authorization(headers))) return { data: null, errors: [{ message: hint }] }
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers),
      body: JSON.stringify(params),
      credentials: 'omit'
    })
    return res.json()
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: '# Herald GraphQL: set your credential in the Headers tab, then run.\n{\n  viewer {\n    kind\n    role\n    organization { name }\n  }\n}\n',
    defaultHeaders: JSON.stringify({ Authorization: placeholder }, null, 2),
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    // A credential is not kept in localStorage.
    shouldPersistHeaders: false
  }))
})()
