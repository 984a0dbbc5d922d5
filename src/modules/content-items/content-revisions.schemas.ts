import { z } from 'zod'
import { pageParams } from '../../lib/pagination.js'

const revisionNumber = z.coerce.number().int().min(1).max(2_147_483_647)

export const RevisionListQuery = z.strictObject({
  ...pageParams(['createdAt', 'revision'], '-createdAt')
})
export type RevisionListQuery = z.infer<typeof RevisionListQuery>

export const RevisionParams = z.strictObject({ id: z.uuid(), revision: revisionNumber })

export const CompareQuery = z.strictObject({ from: revisionNumber, to: revisionNumber })

export const RevisionSchema = z.object({
  id: z.uuid(),
  revision: z.number().int(),
  contentItemId: z.uuid(),
  actor: z.object({ type: z.enum(['member', 'api_key', 'guest', 'system']), id: z.uuid().nullable() }),
  changed: z.array(z.string()),
  snapshot: z.record(z.string(), z.unknown()),
  createdAt: z.string()
})
export type RevisionDto = z.infer<typeof RevisionSchema>

export const RevisionDiffSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() }))
})
export type RevisionDiffDto = z.infer<typeof RevisionDiffSchema>
