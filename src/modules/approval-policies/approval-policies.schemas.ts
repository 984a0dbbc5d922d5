import { z } from 'zod'
import { ROLES } from '../../lib/actor.js'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

export const MAX_STEPS = 10
export const MAX_STEP_MEMBERS = 50

const noRepeats = <T>(a: readonly T[]) => new Set(a).size === a.length

export const ApprovalModeSchema = z.enum(['any', 'all'])
export const StepRoleSchema = z.enum(ROLES)

/** One step as a client writes it; roles and memberIds may both be given (either qualifies). */
export const ApprovalStepInput = z.strictObject({
  name: text(100),
  roles: z.array(StepRoleSchema).max(ROLES.length).refine(noRepeats, { message: 'must not repeat a role' }).optional(),
  memberIds: z.array(z.uuid()).max(MAX_STEP_MEMBERS).refine(noRepeats, { message: 'must not repeat a member' }).optional(),
  mode: ApprovalModeSchema
}).superRefine((s, ctx) => {
  if (!s.roles?.length && !s.memberIds?.length) {
    ctx.addIssue({ code: 'custom', message: 'a step needs at least one role or member (roles, memberIds or both)' })
  }
})
export type ApprovalStepInput = z.infer<typeof ApprovalStepInput>

const stepsSchema = z.array(ApprovalStepInput).min(1).max(MAX_STEPS)

/** A step as stored and returned: both lists always present (possibly empty). */
export const ApprovalStepSchema = z.object({
  name: z.string(),
  roles: z.array(StepRoleSchema),
  memberIds: z.array(z.uuid()),
  mode: ApprovalModeSchema
})
export type ApprovalStepDto = z.infer<typeof ApprovalStepSchema>

export const ApprovalPolicySchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  name: z.string(),
  steps: z.array(ApprovalStepSchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type ApprovalPolicyDto = z.infer<typeof ApprovalPolicySchema>

export const CreateApprovalPolicyBody = z.strictObject({
  brandId: z.uuid(),
  name: text(200),
  steps: stepsSchema
})
export type CreateApprovalPolicyInput = z.infer<typeof CreateApprovalPolicyBody>

export const UpdateApprovalPolicyBody = z.strictObject({
  name: text(200).optional(),
  steps: stepsSchema.optional()
})
export type UpdateApprovalPolicyInput = z.infer<typeof UpdateApprovalPolicyBody>

export const ApprovalPolicyListQuery = z.strictObject({
  ...pageParams(['createdAt', 'name'], '-createdAt'),
  brandId: z.uuid().optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type ApprovalPolicyListQuery = z.infer<typeof ApprovalPolicyListQuery>
