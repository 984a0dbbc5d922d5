import fp from 'fastify-plugin'
import { AppError } from '../lib/errors.js'
import { sha256 } from '../lib/tokens.js'
import { heraldMetrics } from './metrics.js'

// Idempotency-Key on POST (Stripe's semantics, IETF draft's status codes). The key is claimed
// in the request's own transaction and the response stored in it just before COMMIT, so only a
// committed success is ever replayed; a failure or a crash leaves no trace and a retry runs
// again. A concurrent duplicate waits on the claim's row lock, then replays the winner.
// Keys are scoped to the credential (organization + member or API key) and kept 24 hours.

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on routes whose response carries a credential shown once (an API key's secret, an
     * invitation or guest-review token). Such a response is never stored: a replay answers 409
     * with the Location of what the first request created, instead of the credential again.
     */
    returnsSecret?: boolean
  }
}

/** Marks, in the stored headers, a response that was not kept because it held a secret. */
const WITHHELD = 'x-herald-secret-withheld'

const KEY = /^[A-Za-z0-9_\-:.]{1,255}$/
const TTL = '24 hours'
const REPLAYED_HEADERS = ['etag', 'location']
/** Expired keys removed per claim at most. */
export const PURGE_BATCH = 100

export default fp(async (app) => {
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || !req.tx || !req.actor) return
    const raw = req.headers['idempotency-key']
    if (raw === undefined) return
    const key = (Array.isArray(raw) ? raw[0] : raw).trim().replace(/^"(.*)"$/, '$1')
    if (!KEY.test(key)) {
      throw new AppError('HERALD_BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 characters of letters, digits, "_", "-", ":" or ".".')
    }
    const path = req.url.split('?')[0]
    const requestHash = sha256(`${req.method} ${path}\n${JSON.stringify(req.body ?? null)}`)
    const { orgId, id: principalId } = req.actor
    // The claim also purges this credential's expired keys, in the same statement (no extra
    // round trip, no job to run). Why here rather than a periodic job: the request already
    // runs as herald_app inside the tenant, so RLS needs no bypassing role; nothing has to be
    // scheduled, nor coordinated between instances; and the work is spread over the writes
    // that create it, on the primary key's (organization, principal) prefix. SKIP LOCKED keeps
    // two concurrent POSTs of one credential from queueing on each other's purge (the locks
    // last until the request commits), and LIMIT keeps the first POST after a long pause from
    // paying for the whole backlog at once. The key being claimed is left alone: its own
    // expired row is reused by ON CONFLICT below (one statement may not touch a row twice).
    // Left behind: keys of credentials that never POST again; they go with the organization.
    const claimed = await req.tx.query(
      `WITH purged AS (
         DELETE FROM idempotency_keys
          WHERE (organization_id, principal_id, key) IN (
            SELECT organization_id, principal_id, key FROM idempotency_keys
             WHERE organization_id = $1 AND principal_id = $2 AND expires_at < now() AND key <> $3
             LIMIT ${PURGE_BATCH} FOR UPDATE SKIP LOCKED))
       INSERT INTO idempotency_keys (organization_id, principal_id, key, method, path, request_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + interval '${TTL}')
       ON CONFLICT (organization_id, principal_id, key) DO UPDATE
         SET method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
             response_status = NULL, response_body = NULL, response_headers = NULL,
             created_at = now(), expires_at = excluded.expires_at
         WHERE idempotency_keys.expires_at < now()
       RETURNING 1`, [orgId, principalId, key, req.method, path, requestHash])
    if (claimed.rowCount === 0) {
      const { rows } = await req.tx.query(
        'SELECT request_hash, response_status, response_body, response_headers FROM idempotency_keys WHERE organization_id = $1 AND principal_id = $2 AND key = $3',
        [orgId, principalId, key])
      const prior = rows[0]
      if (!prior || prior.response_status === null) {
        throw new AppError('HERALD_CONFLICT', 'A request with this Idempotency-Key is still being processed; retry shortly.')
      }
      if (prior.request_hash !== requestHash) {
        throw new AppError('HERALD_IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used with a different request (path or body); use a new key for a new request.')
      }
      const stored = (prior.response_headers ?? {}) as Record<string, string>
      if (stored[WITHHELD]) {
        throw new AppError('HERALD_CONFLICT', 'This request already succeeded (see Location). Its response held a credential that is shown only once and never stored, so it cannot be replayed; if it was lost, revoke what was created and create another.', {
          headers: stored.location ? { location: stored.location, 'idempotent-replayed': 'true' } : { 'idempotent-replayed': 'true' },
          extra: { reason: 'secret_not_replayable' }
        })
      }
      heraldMetrics.idempotentReplays.inc()
      reply.headers({ ...stored, 'idempotent-replayed': 'true' })
      reply.code(prior.response_status)
      const body = prior.response_body
      return await reply.type('application/json; charset=utf-8').send(body === null ? '' : JSON.stringify(body))
    }
    req.beforeCommit.push(async (payload, rep) => {
      const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => {
        const v = rep.getHeader(h)
        return v === undefined ? [] : [[h, String(v)]]
      }))
      const secret = req.routeOptions.config?.returnsSecret === true
      if (secret) headers[WITHHELD] = 'true'
      const body = !secret && typeof payload === 'string' && payload.length ? JSON.parse(payload) : null
      await req.tx!.query(
        'UPDATE idempotency_keys SET response_status = $4, response_body = $5, response_headers = $6 WHERE organization_id = $1 AND principal_id = $2 AND key = $3',
        [orgId, principalId, key, rep.statusCode, body === null ? null : JSON.stringify(body), JSON.stringify(headers)])
    })
  })
}, { name: 'idempotency', dependencies: ['auth'] })
