// What other modules may use of approval policies: `app.approvalPolicies` (the policy that
// governs content, checking a brand's or campaign's policy id), what a step means, the reply
// shape and the events.
import { z } from 'zod'
import type { EventDataSchemas } from '../events/public.js'
import { ApprovalPolicySchema, ApprovalStepSchema } from './approval-policies.schemas.js'
import type { ApprovalPoliciesService } from './approval-policies.service.js'

export type { ApprovalPoliciesService, EffectivePolicy, OverrideSource, PolicyOverrideDto } from './approval-policies.service.js'
export type { ApprovalPolicyDto } from './approval-policies.schemas.js'
export { builtInDefaultPolicy, isClientStep } from './policy-steps.js'
export { ApprovalModeSchema, ApprovalStepInput, ApprovalStepSchema, MAX_STEPS, StepRoleSchema } from './approval-policies.schemas.js'

export const APPROVAL_POLICY_EVENTS = {
  'approval_policy.created': 'An approval policy was created (every new brand gets a default one).',
  'approval_policy.updated': "An approval policy's name or steps changed; requests already open keep the steps they were submitted with.",
  'approval_policy.deleted': 'An approval policy was deleted.',
  'approval_policy.override_started': "A temporary approval policy (e.g. a crisis playbook's stricter one, for an incident) now governs a brand's new approval requests; requests already open keep their steps.",
  'approval_policy.override_ended': "A brand's temporary approval policy ended (e.g. its incident was resolved): new requests follow the brand's or campaign's policy again."
} as const

/** A temporary policy in force for a brand (approval_policy.override_* events). */
const PolicyOverrideSchema = z.strictObject({
  id: z.uuid(),
  brandId: z.uuid(),
  name: z.string(),
  steps: z.array(ApprovalStepSchema),
  sourceType: z.string().describe('What put it in force: `incident`.'),
  sourceId: z.string().describe('The id of what put it in force (the incident).'),
  createdAt: z.string(),
  endedAt: z.string().nullable().describe('When it ended; null while in force.')
})

/** The data of each event type (GET /v1/event-types, openapi.yaml webhooks). */
export const APPROVAL_POLICY_EVENT_DATA = {
  'approval_policy.created': z.strictObject({ policy: ApprovalPolicySchema }),
  'approval_policy.updated': z.strictObject({ changed: z.array(z.string()).describe('The fields that changed.'), policy: ApprovalPolicySchema }),
  'approval_policy.deleted': z.strictObject({ policy: ApprovalPolicySchema }),
  'approval_policy.override_started': z.strictObject({ override: PolicyOverrideSchema }),
  'approval_policy.override_ended': z.strictObject({ override: PolicyOverrideSchema })
} satisfies EventDataSchemas<typeof APPROVAL_POLICY_EVENTS>

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof APPROVAL_POLICY_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    approvalPolicies: ApprovalPoliciesService
  }
}
