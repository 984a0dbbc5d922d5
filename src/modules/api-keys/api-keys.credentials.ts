import type { CredentialSource } from '../../plugins/auth.js'
import { apiKeyActor } from '../../lib/actor.js'
import { AppError } from '../../lib/errors.js'
import { API_KEY_PATTERN, safeEqualHex, sha256 } from '../../lib/tokens.js'

/** lastUsedAt is written at most this often per key (it is informative; writes cost). */
const LAST_USED_THROTTLE_MS = 60_000

/**
 * API keys: found by their prefix as the credential look-up role (the organization is not
 * known yet), the secret compared in constant time, then the transaction enters the key's
 * tenant. The prefix is base62, checked by the pattern, so it is safe to send with BEGIN.
 */
export const apiKeySource: CredentialSource<{ kind: 'api_key', token: string }> = {
  lookup: ({ token }) => ({
    role: 'herald_auth',
    sql: `SELECT id, organization_id, name, secret_hash, scopes, brand_ids, revoked_at, last_used_at FROM api_keys WHERE prefix = '${API_KEY_PATTERN.exec(token)![1]}'`
  }),
  resolve: async (row, tx, { token }) => {
    if (!row || row.revoked_at || !safeEqualHex(row.secret_hash, sha256(token))) throw new AppError('HERALD_UNAUTHENTICATED', 'The API key is not valid or has been revoked.')
    await tx.enterTenant(row.organization_id)
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_THROTTLE_MS) {
      await tx.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.id])
    }
    return apiKeyActor({ id: row.id, orgId: row.organization_id, scopes: row.scopes, brandIds: row.brand_ids, name: row.name })
  }
}
