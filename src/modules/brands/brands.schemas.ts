import { z } from 'zod'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { timeZoneSchema } from '../../lib/time-zone.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

export const BrandStatus = z.enum(['active', 'archived'])

export const BrandSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  status: BrandStatus,
  /** The brand's default approval policy; null only for brands created before policies. */
  approvalPolicyId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type BrandDto = z.infer<typeof BrandSchema>

export const CreateBrandBody = z.strictObject({
  name: text(200),
  timeZone: timeZoneSchema
})
export type CreateBrandInput = z.infer<typeof CreateBrandBody>

export const UpdateBrandBody = z.strictObject({
  name: text(200).optional(),
  timeZone: timeZoneSchema.optional(),
  status: BrandStatus.optional(),
  /** Must be one of this brand's approval policies (checked by the approvals module's hook). */
  approvalPolicyId: z.uuid().optional()
})
export type UpdateBrandInput = z.infer<typeof UpdateBrandBody>

export const BrandListQuery = z.strictObject({
  ...pageParams(['createdAt', 'name'], '-createdAt'),
  status: BrandStatus.optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type BrandListQuery = z.infer<typeof BrandListQuery>
