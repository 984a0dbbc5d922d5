// What other modules may use of members: `app.members` (joining, the people named in other
// modules' bodies, batched reads for GraphQL edges), the rule for who may work on a brand,
// the reply shape and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { RoleSchema } from '../../lib/schemas.js'
import { MemberSchema } from './members.schemas.js'
import type { MembersService } from './members.service.js'

export type { MembersService } from './members.service.js'
export type { MemberDto } from './members.schemas.js'
export { memberFitIssue, type MemberFit } from './member-fit.js'

export const MEMBER_EVENTS = {
  'member.invited': 'Someone was invited to join the organization with a role (and perhaps only some brands).',
  'member.joined': 'A person joined: signed up as the first owner, or accepted an invitation.',
  'member.updated': "A member's role or brand grants changed.",
  'member.removed': 'A member was removed from the organization.'
} as const

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const MEMBER_EVENT_DATA = {
  'member.invited': z.strictObject({ member: MemberSchema }),
  'member.joined': z.strictObject({ role: RoleSchema, email: z.string() }),
  'member.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), member: MemberSchema }),
  'member.removed': z.strictObject({ member: MemberSchema })
} satisfies EventDataSchemas<typeof MEMBER_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof MEMBER_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    members: MembersService
  }
}
