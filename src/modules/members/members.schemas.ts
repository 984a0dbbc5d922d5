import { z } from 'zod'
import { ROLES } from '../../lib/actor.js'
import { cursorSchema, limitSchema, sortSchema } from '../../lib/pagination.js'

export const RoleSchema = z.enum(ROLES)
export const emailSchema = z.email().max(254).transform((e) => e.toLowerCase())
export const brandIdsSchema = z.array(z.uuid()).max(500).refine((a) => new Set(a).size === a.length, { message: 'must not repeat an id' })

export const MemberSchema = z.object({
  id: z.uuid(),
  userId: z.uuid().nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: RoleSchema,
  brandIds: z.array(z.uuid()).nullable(),
  status: z.enum(['invited', 'active']),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type MemberDto = z.infer<typeof MemberSchema>

export const InvitedMemberSchema = MemberSchema.extend({
  invitationToken: z.string(),
  invitationExpiresAt: z.string()
})

export const CreateMemberBody = z.strictObject({
  email: emailSchema,
  role: RoleSchema,
  brandIds: brandIdsSchema.nullable().optional()
})
export type CreateMemberInput = z.infer<typeof CreateMemberBody>

export const UpdateMemberBody = z.strictObject({
  role: RoleSchema.optional(),
  brandIds: brandIdsSchema.nullable().optional()
})
export type UpdateMemberInput = z.infer<typeof UpdateMemberBody>

export const MemberListQuery = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  sort: sortSchema(['createdAt'], '-createdAt'),
  role: RoleSchema.optional(),
  status: z.enum(['invited', 'active']).optional()
})
export type MemberListQuery = z.infer<typeof MemberListQuery>
