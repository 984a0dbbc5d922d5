import type { CredentialSource, Touch } from '../../plugins/auth.js'
import { apiKeyActor, type Actor } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import { Remembered } from '../../lib/remembered.js'
import { API_KEY_PATTERN, safeEqualHex, sha256 } from '../../lib/tokens.js'

/** lastUsedAt is written at most this often per key (it is informative; writes cost). */
const LAST_USED_THROTTLE_MS = 60_000

export interface RememberedKey { actor: Actor, secretHash: string, lastUsedAt: number }

const prefixOf = (token: string) => API_KEY_PATTERN.exec(token)![1]

/**
 * API keys: found by their prefix as the credential look-up role (the organization is not
 * known yet), the secret compared in constant time. Remembered by prefix with the secret's
 * hash (a request still proves it holds the secret), guarded in the request's first round trip
 * by "not revoked" (a key's scopes and brands never change). The prefix is base62, checked by
 * the pattern, so it is safe to inline.
 */
export function apiKeySource (memory: Remembered<RememberedKey>): CredentialSource<{ kind: 'api_key', token: string }> {
  const touch = (key: RememberedKey): Touch | undefined => {
    if (Date.now() - key.lastUsedAt <= LAST_USED_THROTTLE_MS) return undefined
    key.lastUsedAt = Date.now()
    return { sql: 'UPDATE api_keys SET last_used_at = now() WHERE id = $1', values: [key.actor.id] }
  }
  return {
    remembered: ({ token }) => {
      const key = memory.get(prefixOf(token))
      if (!key || !safeEqualHex(key.secretHash, sha256(token))) return undefined
      return { actor: key.actor, touch: touch(key) }
    },
    guard: (_credential, actor) => ({ sql: 'SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL', values: [actor.id] }),
    lookup: ({ token }) => ({
      role: 'herald_auth',
      sql: `SELECT id, organization_id, name, secret_hash, scopes, brand_ids, revoked_at, last_used_at FROM api_keys WHERE prefix = '${prefixOf(token)}'`
    }),
    resolve: (row, { token }) => {
      if (!row || row.revoked_at || !safeEqualHex(row.secret_hash, sha256(token))) throw new AppError('HERALD_UNAUTHENTICATED', 'The API key is not valid or has been revoked.')
      const key: RememberedKey = {
        actor: apiKeyActor({ id: row.id, orgId: row.organization_id, scopes: row.scopes, brandIds: row.brand_ids, name: row.name }),
        secretHash: row.secret_hash,
        lastUsedAt: row.last_used_at ? new Date(row.last_used_at).getTime() : 0
      }
      memory.set(prefixOf(token), key)
      return { actor: key.actor, touch: touch(key) }
    },
    forget: ({ token }) => { memory.forget(prefixOf(token)) }
  }
}
