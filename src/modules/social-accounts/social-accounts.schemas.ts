import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'
import { PLATFORMS } from '../../db/tables/social-accounts.js'
import { rangesInOrder, timeRanges } from '../../lib/time-range.js'

export const PlatformSchema = z.enum(PLATFORMS)

/**
 * A handle as people write it: "@lumen", " lumen " and "lumen" are the same account. The
 * leading @ and surrounding spaces go; what is left must be 1–100 characters without spaces.
 * Per-network rules (shorter limits, allowed characters) are checked by handleProblem().
 */
export const handleSchema = z.string().max(200).transform((s) => s.trim().replace(/^@/, '')).pipe(
  z.string().min(1, { message: 'must not be empty' }).max(100).regex(/^[^\s\p{Cc}]+$/u, { message: 'must not contain spaces or control characters' })
)

const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable().optional()

export const SocialAccountSchema = z.object({
  id: z.uuid(),
  brandId: z.uuid(),
  platform: PlatformSchema,
  handle: z.string(),
  displayName: z.string().nullable(),
  externalId: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type SocialAccountDto = z.infer<typeof SocialAccountSchema>

export const CreateSocialAccountBody = z.strictObject({
  brandId: z.uuid(),
  platform: PlatformSchema,
  handle: handleSchema,
  displayName: optionalText(200),
  externalId: optionalText(200)
})
export type CreateSocialAccountInput = z.infer<typeof CreateSocialAccountBody>

const fixed = (field: string) => z.never({ error: `${field} cannot be changed after creation; create a new social account instead` }).optional()

export const UpdateSocialAccountBody = z.strictObject({
  handle: handleSchema.optional(),
  displayName: optionalText(200),
  externalId: optionalText(200),
  // Named so that the refusal says why rather than "unknown field".
  brandId: fixed('brandId'),
  platform: fixed('platform')
})
export type UpdateSocialAccountInput = z.infer<typeof UpdateSocialAccountBody>

export const SocialAccountListQuery = z.strictObject({
  ...pageParams(['createdAt', 'handle'], '-createdAt'),
  brandId: z.uuid().optional(),
  platform: PlatformSchema.optional(),
  ...timeRanges
}).superRefine(rangesInOrder)
export type SocialAccountListQuery = z.infer<typeof SocialAccountListQuery>

/** Brand.socialAccounts in GraphQL: a page per brand. */
export const BrandSocialAccountsQuery = z.strictObject({
  ...pageParams(['createdAt', 'handle'], '-createdAt'),
  platform: PlatformSchema.optional()
})
export type BrandSocialAccountsQuery = z.infer<typeof BrandSocialAccountsQuery>
