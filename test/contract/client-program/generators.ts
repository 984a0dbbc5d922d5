// Compiled (never run) by scripts/contract-clients.ts with tsc --strict: the same two errors
// narrowed with the types openapi-typescript and orval generate, so that a type error in
// either generator's output, or a Problem member they cannot see, fails the suite.
import type { components, paths } from '../generated/openapi-typescript/schema.js'
import type { updateBrandResponse, updateCampaignResponse } from '../generated/orval/herald.js'

type Problem = components['schemas']['Problem']
type StaleBrand = paths['/v1/brands/{id}']['patch']['responses']['412']['content']['application/problem+json']

/** openapi-typescript: one Problem, narrowed by code. */
export function describeProblem (p: Problem | StaleBrand): string {
  if (p.code === 'HERALD_PRECONDITION_FAILED') return `stale: the current version is ${p.currentVersion ?? '?'}`
  if (p.code === 'HERALD_ILLEGAL_TRANSITION') return `not allowed; next: ${(p.allowed ?? []).join(', ')}`
  return p.detail
}

/** orval (fetch client): responses are a union discriminated by status. */
export function currentVersionOf (res: updateBrandResponse): number | undefined {
  if (res.status === 412) return res.data.currentVersion
  if (res.status === 200) return res.data.version
  return undefined
}

export function allowedNext (res: updateCampaignResponse): string[] {
  return res.status === 409 && res.data.code === 'HERALD_ILLEGAL_TRANSITION' ? res.data.allowed ?? [] : []
}
