import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { emailSchema, instantSchema } from '../../lib/schemas.js'

/** A link lives at most this long: it is a bearer credential sent by email. */
export const MAX_GUEST_LINK_DAYS = 30
/** Active (unrevoked, unexpired) links per request at most. */
export const MAX_ACTIVE_GUEST_LINKS = 20

export const CreateGuestLinkBody = z.strictObject({
  /** Whom the link is for; it labels the guest's comments and decisions in the audit log. */
  email: emailSchema.optional(),
  expiresAt: instantSchema
})
export type CreateGuestLinkInput = z.infer<typeof CreateGuestLinkBody>

export const GuestLinkListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt')
})
export type GuestLinkListQuery = z.infer<typeof GuestLinkListQuery>

export const GuestLinkParams = z.strictObject({ id: z.uuid(), linkId: z.uuid() })

export const GuestLinkSchema = z.object({
  id: z.uuid(),
  requestId: z.uuid(),
  email: z.string().nullable(),
  /** active, revoked or expired (revoked wins when both). */
  status: z.enum(['active', 'revoked', 'expired']),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.object({ type: z.enum(['member', 'api_key', 'guest', 'system']), id: z.uuid().nullable() }),
  createdAt: z.string()
})
export type GuestLinkDto = z.infer<typeof GuestLinkSchema>

/** The creation answer: the only time the token is shown. */
export const CreatedGuestLinkSchema = GuestLinkSchema.extend({ token: z.string() })
export type CreatedGuestLinkDto = z.infer<typeof CreatedGuestLinkSchema>
