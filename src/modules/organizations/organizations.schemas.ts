import { z } from 'zod'
import { text } from '../../lib/http.js'
import { timeZoneSchema } from '../../lib/time-zone.js'

/** The organization's settings as GET/PATCH /v1/organization show them. */
export const OrganizationSettingsSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  timeZone: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type OrganizationSettingsDto = z.infer<typeof OrganizationSettingsSchema>

/** The slug is fixed at sign-up (links and integrations may hold it). */
export const UpdateOrganizationBody = z.strictObject({
  name: text(200).optional(),
  timeZone: timeZoneSchema.optional()
})
export type UpdateOrganizationInput = z.infer<typeof UpdateOrganizationBody>
