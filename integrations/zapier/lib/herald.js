'use strict'

// What every operation shares: where Herald is, how to call it, how its problems become Zapier
// errors, and how an event (delivered by webhook, or listed by GET /v1/events) becomes a record.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Herald's base URL: the connection's "Herald URL" field, else the app's HERALD_BASE_URL
 * environment setting (`zapier env:set`). https only, except on the loopback (tests, a local
 * Herald): the API key travels in every request.
 */
function baseUrl (bundle) {
  const raw = String((bundle.authData && bundle.authData.baseUrl) || process.env.HERALD_BASE_URL || '').trim()
  if (!raw) throw new Error('Herald URL missing: fill in the connection\'s "Herald URL" (or set HERALD_BASE_URL for the app).')
  let u
  try { u = new URL(raw) } catch { throw new Error(`Herald URL "${raw}" is not a URL (e.g. https://herald.example.com).`) }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw new Error(`Herald URL "${raw}" must use https (http only for 127.0.0.1 or localhost).`)
  }
  return u.origin + u.pathname.replace(/\/+$/, '')
}

/** One call to Herald; answers the parsed JSON (undefined for 204). */
async function call (z, bundle, method, path, { body, params } = {}) {
  const response = await z.request({
    method,
    url: baseUrl(bundle) + path,
    params: params ? compact(params) : undefined,
    body: body === undefined ? undefined : body,
    headers: { accept: 'application/json' }
  })
  return response.status === 204 || response.content === '' ? undefined : response.data
}

/** Adds the API key to every request (custom auth: Herald reads `Authorization: Bearer …`). */
function addApiKey (request, z, bundle) {
  if (bundle.authData && bundle.authData.apiKey) {
    request.headers = request.headers || {}
    request.headers.authorization = `Bearer ${bundle.authData.apiKey}`
  }
  return request
}

/**
 * Herald answers every error as application/problem+json (RFC 9457): turn it into a Zapier error
 * that says what Herald said (title, detail, and the fields at fault), with its stable code.
 * A 401 means the key no longer works: Zapier then asks the user to reconnect.
 */
function problemToError (response, z) {
  if (response.status < 400) return response
  let problem = null
  try { problem = JSON.parse(response.content) } catch { problem = null }
  if (!problem || typeof problem !== 'object') {
    throw new z.errors.Error(`Herald answered ${response.status}: ${String(response.content).slice(0, 200)}`, `HTTP_${response.status}`, response.status)
  }
  const fields = Array.isArray(problem.errors) ? problem.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`) : []
  const message = [problem.title, problem.detail].filter(Boolean).join(': ') +
    (fields.length && !String(problem.detail || '').includes(fields[0]) ? ` (${fields.join('; ')})` : '')
  if (response.status === 401) throw new z.errors.ExpiredAuthError(message)
  throw new z.errors.Error(message, problem.code || `HTTP_${response.status}`, response.status)
}

/** Drops empty values, which Zapier sends for fields a user left blank. */
function compact (obj) {
  const out = {}
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out
}

// The head Herald puts above each event's own data in a webhook envelope (see GET /v1/event-types).
const HEAD = ['object', 'id', 'organizationId', 'brandId', 'version']

/**
 * A Zapier record for an event: one shape whether it came by webhook (the Standard Webhooks
 * envelope `{ id, type, timestamp, data }`) or from GET /v1/events (for samples), so a Zap
 * built on a sample maps the same fields on live events. `id` is the event's id (one record per
 * event: an item approved twice triggers twice); `contentItemId` names the item.
 */
function recordOfEnvelope (envelope) {
  const data = envelope.data || {}
  const own = Object.fromEntries(Object.entries(data).filter(([k]) => !HEAD.includes(k)))
  return { id: envelope.id, eventType: envelope.type, occurredAt: envelope.timestamp, contentItemId: data.id, brandId: data.brandId ?? null, ...own }
}

function recordOfEvent (event) {
  return recordOfEnvelope({
    id: event.id,
    type: event.type,
    timestamp: event.createdAt,
    data: { id: event.subjectId, brandId: event.brandId, ...event.data }
  })
}

module.exports = { baseUrl, call, addApiKey, problemToError, compact, recordOfEnvelope, recordOfEvent }
