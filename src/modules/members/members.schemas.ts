import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { brandIdsSchema, emailSchema, RoleSchema } from '../../lib/schemas.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

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
  ...pageParams(['createdAt'], '-createdAt'),
  role: RoleSchema.optional(),
  status: z.enum(['invited', 'active']).optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type MemberListQuery = z.infer<typeof MemberListQuery>
