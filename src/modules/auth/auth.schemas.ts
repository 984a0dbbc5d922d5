import { z } from 'zod'
import { text } from '../../lib/http.js'
import { emailSchema, RoleSchema, ScopeSchema } from '../../lib/schemas.js'

// Passwords: at least 10 characters, at most 1,024 bytes (hashing a megabyte is a DoS).
export const passwordSchema = z.string().min(10).refine((p) => Buffer.byteLength(p) <= 1024, { message: 'must be at most 1024 bytes' })

export const SignupBody = z.strictObject({
  organizationName: text(200),
  name: text(200),
  email: emailSchema,
  password: passwordSchema
})
export type SignupInput = z.infer<typeof SignupBody>

export const TokenBody = z.discriminatedUnion('grantType', [
  z.strictObject({
    grantType: z.literal('password'),
    email: emailSchema,
    password: z.string().min(1).max(1024),
    organizationId: z.uuid().optional()
  }),
  z.strictObject({
    grantType: z.literal('refresh_token'),
    refreshToken: z.string().min(1).max(200)
  })
])
export type TokenInput = z.infer<typeof TokenBody>

export const AcceptInvitationBody = z.strictObject({
  token: z.string().min(1).max(200),
  password: passwordSchema,
  name: text(200)
})
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationBody>

export const UserSchema = z.object({ id: z.uuid(), email: z.string(), name: z.string() })
export const OrganizationSchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), timeZone: z.string() })

export const TokenResponse = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  user: UserSchema,
  organization: OrganizationSchema,
  role: RoleSchema
})
export type TokenResponse = z.infer<typeof TokenResponse>

export const MeResponse = z.object({
  kind: z.enum(['user', 'api_key']),
  user: UserSchema.nullable(),
  apiKey: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  membershipId: z.uuid().nullable(),
  organization: OrganizationSchema,
  role: RoleSchema.nullable(),
  scopes: z.array(ScopeSchema),
  brandIds: z.array(z.uuid()).nullable()
})
export type MeResponse = z.infer<typeof MeResponse>
