import { z } from 'zod'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { instantSchema as instant } from '../../lib/schemas.js'

export const CreateBlackoutBody = z.strictObject({
  startsAt: instant,
  endsAt: instant,
  reason: text(500)
}).superRefine((v, ctx) => {
  if (new Date(v.endsAt) <= new Date(v.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' })
})
export type CreateBlackoutInput = z.infer<typeof CreateBlackoutBody>

export const BlackoutListQuery = z.strictObject({
  ...pageParams(['createdAt', 'startsAt'], '-createdAt')
})
export type BlackoutListQuery = z.infer<typeof BlackoutListQuery>

export const BlackoutParams = z.strictObject({ id: z.uuid(), blackoutId: z.uuid() })

export const BlackoutSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type BlackoutDto = z.infer<typeof BlackoutSchema>

export const CreatedBlackoutSchema = BlackoutSchema.extend({
  /** Items of the brand whose time already falls inside the new window. */
  conflictingContentItemIds: z.array(z.uuid())
})
export type CreatedBlackoutDto = z.infer<typeof CreatedBlackoutSchema>
