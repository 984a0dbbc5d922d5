// What other modules may use of approval policies: `app.approvalPolicies` (the policy that
// governs content, checking a brand's or campaign's policy id), what a step means, the reply
// shape and the events.
import type { ApprovalPoliciesService } from './approval-policies.service.js'

export type { ApprovalPoliciesService, EffectivePolicy, OverrideSource, PolicyOverrideDto } from './approval-policies.service.js'
export type { ApprovalPolicyDto } from './approval-policies.schemas.js'
export { builtInDefaultPolicy, isClientStep } from './policy-steps.js'
export { ApprovalModeSchema, ApprovalStepInput, MAX_STEPS, StepRoleSchema } from './approval-policies.schemas.js'

export const APPROVAL_POLICY_EVENTS = {
  'approval_policy.created': 'An approval policy was created (every new brand gets a default one).',
  'approval_policy.updated': "An approval policy's name or steps changed; requests already open keep the steps they were submitted with.",
  'approval_policy.deleted': 'An approval policy was deleted.',
  'approval_policy.override_started': "A temporary approval policy (e.g. a crisis playbook's stricter one, for an incident) now governs a brand's new approval requests; requests already open keep their steps.",
  'approval_policy.override_ended': "A brand's temporary approval policy ended (e.g. its incident was resolved): new requests follow the brand's or campaign's policy again."
} as const

declare module '../events/public.js' {
  interface EventCatalogue extends Record<keyof typeof APPROVAL_POLICY_EVENTS, true> {}
}

declare module 'fastify' {
  interface FastifyInstance {
    approvalPolicies: ApprovalPoliciesService
  }
}
