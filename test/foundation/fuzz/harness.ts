// What the fuzz test checks of each reply, and the rows its requests point at.
import type { LightMyRequestResponse } from 'fastify'
import { bearer, contractErrors, json, type TestApp } from '../../helper.js'
import { createApiKey, createBrand, signup } from '../../factories.js'
import { createCampaign, createSocialAccount } from '../../factories-campaigns.js'
import { CLIENT_ONLY, comment, createGuestLink, submittedItem, usePolicy } from '../../factories-review.js'
import type { Auth, FuzzRequest } from './rest.js'

/** Why this reply breaks the rules, or undefined. */
export function fault (req: FuzzRequest, res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 500)}`
  const type = String(res.headers['content-type'] ?? '')
  if (req.url.startsWith('/graphql')) {
    if (!type.startsWith('application/json')) return `GraphQL answered ${type}`
    const body = json(res)
    if (res.statusCode >= 400 && !body.errors?.length) return `GraphQL ${res.statusCode} without errors`
    const codes = (body.errors ?? []).map((e: any) => e.extensions?.code)
    if (codes.some((c: unknown) => typeof c !== 'string')) return `GraphQL error without extensions.code: ${res.body.slice(0, 300)}`
    if (codes.includes('HERALD_INTERNAL')) return `GraphQL HERALD_INTERNAL: ${res.body.slice(0, 300)}`
  } else if (res.statusCode >= 400) {
    if (type !== 'application/problem+json; charset=utf-8') return `${res.statusCode} answered ${type}`
    if (typeof json(res).code !== 'string') return `${res.statusCode} problem without code`
  }
  const problems = contractErrors(req.method, req.url, res)
  return problems.length ? `not the contract: ${problems.join('; ').slice(0, 600)} ${res.body.slice(0, 300)}` : undefined
}

export async function fixtures (h: TestApp) {
  const owner = await signup(h, 'fuzz')
  const brand = await createBrand(h, owner)
  const policyId = await usePolicy(h, owner, brand.id, CLIENT_ONLY)
  const account = await createSocialAccount(h, owner, brand.id)
  const campaign = await createCampaign(h, owner, brand.id)
  const { item, requestId } = await submittedItem(h, owner, brand.id)
  const note = await comment(h, owner, item.id, { body: 'Fuzz me', visibility: 'shared' })
  const guest = await createGuestLink(h, owner, requestId)
  const key = await createApiKey(h, owner, ['brands:read'])
  const invite = json(await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email: 'fuzz.invitee@example.com', role: 'creator' } }))
  const blackout = json(await h.inject({ method: 'POST', url: `/v1/brands/${brand.id}/blackouts`, headers: bearer(owner.token), payload: { startsAt: '2031-01-01T00:00:00Z', endsAt: '2031-01-02T00:00:00Z', reason: 'fuzz' } }))
  const byPrefix: Record<string, string> = {
    '/v1/brands': brand.id,
    '/v1/members': invite.id,
    '/v1/api-keys': key.id,
    '/v1/social-accounts': account.id,
    '/v1/campaigns': campaign.id,
    '/v1/content-items': item.id,
    '/v1/approval-policies': policyId,
    '/v1/approval-requests': requestId
  }
  const byParam: Record<string, string> = { commentId: note.id, blackoutId: blackout.id, linkId: guest.id, platform: 'x', revision: '1' }
  return {
    owner,
    path: (template: string, param: string) => byParam[param] ?? Object.entries(byPrefix).find(([p]) => template.startsWith(`${p}/`))?.[1] ?? brand.id,
    fields: { brandId: brand.id, campaignId: campaign.id, socialAccountId: account.id, contentItemId: item.id, approvalPolicyId: policyId, assigneeId: owner.membershipId, ownerId: owner.membershipId, channelId: account.id, mention: owner.membershipId, memberId: owner.membershipId },
    token: (auth: Auth) => (auth === 'public' ? undefined : auth === 'guest' ? guest.token : owner.token)
  }
}
