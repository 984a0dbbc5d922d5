// Factories for social accounts and campaigns, through the public API as a client would.
import type { TestApp } from './helper.js'
import { bearer, json, unique } from './helper.js'
import type { Session } from './factories.js'

export interface SocialAccount { id: string, brandId: string, platform: string, handle: string, version: number }

/** A handle that fits every network's rules (letters and digits, at most 15). */
export const uniqueHandle = () => unique('h').replace(/-/g, '').slice(0, 15)

export async function createSocialAccount (h: TestApp, s: Session, brandId: string, fields: Record<string, unknown> = {}): Promise<SocialAccount> {
  const platform = (fields.platform as string | undefined) ?? 'x'
  const handle = platform === 'bluesky' ? `${uniqueHandle()}.bsky.social` : uniqueHandle()
  const res = await h.inject({ method: 'POST', url: '/v1/social-accounts', headers: bearer(s.token), payload: { brandId, platform, handle, ...fields } })
  if (res.statusCode !== 201) throw new Error(`social account failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

export interface Campaign { id: string, brandId: string, name: string, status: string, version: number, channelIds: string[], ownerId: string | null }

export async function createCampaign (h: TestApp, s: Session, brandId: string, fields: Record<string, unknown> = {}): Promise<Campaign> {
  const res = await h.inject({ method: 'POST', url: '/v1/campaigns', headers: bearer(s.token), payload: { brandId, name: unique('campaign'), objective: 'awareness', ...fields } })
  if (res.statusCode !== 201) throw new Error(`campaign failed: ${res.statusCode} ${res.body}`)
  return json(res)
}
