import t from 'tap'
import { apiKeyActor, guestActor, memberActor, ROLES, type Role } from '../../src/lib/actor.js'
import { assertMayWrite, isAuthor, mayModerate } from '../../src/modules/comments/comment-access.js'
import { labelFor, seesInternal } from '../../src/lib/visibility.js'
import { AppError } from '../../src/lib/errors.js'

const ORG = '11111111-1111-4111-8111-111111111111'
const BRAND = '22222222-2222-4222-8222-222222222222'
const member = (role: Role) => memberActor({ id: `3333333${ROLES.indexOf(role)}-3333-4333-8333-333333333333`, orgId: ORG, userId: ORG, role, brandIds: null, email: `${role}@example.com` })
const guest = guestActor({ linkId: '44444444-4444-4444-8444-444444444444', requestId: ORG, contentItemId: ORG, email: 'g@example.com', orgId: ORG, brandId: BRAND })
const refusal = (fn: () => void) => { try { fn(); return null } catch (err) { return err instanceof AppError ? err.code : 'other' } }

t.test('who sees internal comments', async (t) => {
  for (const role of ROLES) t.equal(seesInternal(member(role)), role !== 'client', role)
  t.equal(seesInternal(guest), false)
  t.equal(seesInternal(apiKeyActor({ id: ORG, orgId: ORG, scopes: ['content:read'], brandIds: null, name: 'k' })), true)
})

t.test('who may write which comments', async (t) => {
  const expected: Record<Role, [string | null, string | null]> = {
    owner: [null, null],
    admin: [null, null],
    manager: [null, null],
    creator: [null, null],
    analyst: ['HERALD_FORBIDDEN', 'HERALD_FORBIDDEN'],
    client: ['HERALD_FORBIDDEN', null]
  }
  for (const role of ROLES) {
    t.same([refusal(() => assertMayWrite(member(role), 'internal')), refusal(() => assertMayWrite(member(role), 'shared'))], expected[role], role)
  }
  t.same([refusal(() => assertMayWrite(guest, 'internal')), refusal(() => assertMayWrite(guest, 'shared'))], ['HERALD_FORBIDDEN', null], 'guest')
  const reader = apiKeyActor({ id: ORG, orgId: ORG, scopes: ['content:read'], brandIds: null, name: 'k' })
  const writer = apiKeyActor({ id: ORG, orgId: ORG, scopes: ['content:read', 'content:write'], brandIds: null, name: 'k' })
  t.equal(refusal(() => assertMayWrite(reader, 'shared')), 'HERALD_FORBIDDEN')
  t.equal(refusal(() => assertMayWrite(writer, 'internal')), null)
})

t.test('moderation, authorship and labels', async (t) => {
  t.same(ROLES.filter((r) => mayModerate(member(r))), ['owner', 'admin', 'manager'])
  t.equal(mayModerate(guest), false)
  const c = { authorType: 'member', authorId: member('creator').id }
  t.equal(isAuthor(member('creator'), c), true)
  t.equal(isAuthor(member('owner'), c), false)
  t.equal(isAuthor(guest, { authorType: 'member', authorId: guest.id }), false, 'the type counts, not only the id')
  const who = { type: 'member', id: member('manager').id, label: 'manager@example.com' }
  t.equal(labelFor(member('creator'), who), 'manager@example.com')
  t.equal(labelFor(member('client'), who), null)
  t.equal(labelFor(guest, who), null)
  t.equal(labelFor(guest, { type: 'guest', id: guest.id, label: 'g@example.com' }), 'g@example.com', 'your own label')
})
