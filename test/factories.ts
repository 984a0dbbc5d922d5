// Factories make rows with unique names through the public API, as a client would.
import type { TestApp } from './helper.js'
import { bearer, json, unique } from './helper.js'
import type { Role } from '../src/lib/actor.js'

export interface Session {
  token: string
  refreshToken: string
  userId: string
  orgId: string
  membershipId: string
  email: string
}

export const PASSWORD = 'correct horse battery staple'

export async function signup (h: TestApp, label = 'agency'): Promise<Session> {
  const email = `${unique(label)}@example.com`
  const res = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { organizationName: unique(label), name: 'Owner', email, password: PASSWORD } })
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`)
  const b = json(res)
  const me = json(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(b.accessToken) }))
  return { token: b.accessToken, refreshToken: b.refreshToken, userId: b.user.id, orgId: b.organization.id, membershipId: me.membershipId, email }
}

export async function addMember (h: TestApp, owner: Session, role: Role, brandIds?: string[] | null): Promise<Session> {
  const email = `${unique(role)}@example.com`
  const inv = await h.inject({ method: 'POST', url: '/v1/members', headers: bearer(owner.token), payload: { email, role, ...(brandIds !== undefined ? { brandIds } : {}) } })
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.statusCode} ${inv.body}`)
  const { invitationToken, id } = json(inv)
  const acc = await h.inject({ method: 'POST', url: '/v1/auth/invitations/accept', payload: { token: invitationToken, password: PASSWORD, name: role } })
  if (acc.statusCode !== 200) throw new Error(`accept failed: ${acc.statusCode} ${acc.body}`)
  const b = json(acc)
  return { token: b.accessToken, refreshToken: b.refreshToken, userId: b.user.id, orgId: b.organization.id, membershipId: id, email }
}

export async function createBrand (h: TestApp, s: Session, name = unique('brand'), timeZone = 'Europe/Paris') {
  const res = await h.inject({ method: 'POST', url: '/v1/brands', headers: bearer(s.token), payload: { name, timeZone } })
  if (res.statusCode !== 201) throw new Error(`brand failed: ${res.statusCode} ${res.body}`)
  return json(res) as { id: string, name: string, version: number }
}

export async function createApiKey (h: TestApp, s: Session, scopes: string[], brandIds?: string[]) {
  const res = await h.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(s.token), payload: { name: unique('key'), scopes, ...(brandIds ? { brandIds } : {}) } })
  if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`)
  return json(res) as { id: string, secret: string, prefix: string }
}
