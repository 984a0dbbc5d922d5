import { z } from 'zod'
import { ROLES, SCOPES } from './actor.js'

// Wire primitives that several modules share (people, grants, who acted), written once.

export const RoleSchema = z.enum(ROLES)
export const ScopeSchema = z.enum(SCOPES)
/** An instant as the API takes it: RFC 3339 with Z or an offset (a body field, a query bound). */
export const instantSchema = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with Z or an offset' }).max(64)
export const emailSchema = z.email().max(254).transform((e) => e.toLowerCase())
/** A grant to some brands (null, where allowed: every brand). */
export const brandIdsSchema = z.array(z.uuid()).max(500).refine((a) => new Set(a).size === a.length, { message: 'must not repeat an id' })

/** Who acted (a comment's author, a timeline entry's actor, an event's actor). */
export const ActorRef = z.object({
  type: z.enum(['member', 'api_key', 'guest', 'system']),
  id: z.uuid().nullable(),
  label: z.string().nullable()
})
