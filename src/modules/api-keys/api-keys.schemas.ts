import { z } from 'zod'
import { SCOPES } from '../../lib/actor.js'
import { text } from '../../lib/http.js'
import { pageParams } from '../../lib/pagination.js'
import { brandIdsSchema, ScopeSchema } from '../../lib/schemas.js'

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  lastFour: z.string(),
  scopes: z.array(ScopeSchema),
  brandIds: z.array(z.uuid()).nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable()
})
export type ApiKeyDto = z.infer<typeof ApiKeySchema>

export const CreatedApiKeySchema = ApiKeySchema.extend({ secret: z.string() })

export const CreateApiKeyBody = z.strictObject({
  name: text(100),
  scopes: z.array(ScopeSchema).min(1).max(SCOPES.length).refine((a) => new Set(a).size === a.length, { message: 'must not repeat a scope' }),
  brandIds: brandIdsSchema.nullable().optional()
})
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyBody>

export const ApiKeyListQuery = z.strictObject({
  ...pageParams(['createdAt'], '-createdAt'),
  revoked: z.enum(['true', 'false']).optional()
})
export type ApiKeyListQuery = z.infer<typeof ApiKeyListQuery>
