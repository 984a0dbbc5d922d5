// Crisis playbooks through the public API, as a manager would prepare them.
import type { TestApp } from './helper.js'
import { bearer, json, unique } from './helper.js'
import type { Session } from './factories.js'

export function playbookBody (extra: Record<string, unknown> = {}) {
  return {
    name: unique('Product recall'),
    scenario: 'A product is recalled; social media turns negative.',
    severityLevels: [
      { level: 'sev1', definition: 'National press, safety risk' },
      { level: 'sev2', definition: 'Rising negative mentions' }
    ],
    steps: [
      { title: 'Confirm the facts', instructions: 'Call the client contact.', ownerRole: 'manager', responseTargetMinutes: 15 },
      { title: 'Post the holding statement', responseTargetMinutes: 60 }
    ],
    holdingStatements: [{ platform: 'x', body: 'We are aware of the issue and are looking into it. More soon.' }],
    escalationContacts: [{ name: 'Client PR lead', email: 'pr@example.com', phone: '+33 1 23 45 67 89' }],
    internalChannels: [{ kind: 'slack', target: '#crisis-room' }],
    reviewCadenceDays: 90,
    ...extra
  }
}

export async function createPlaybook (h: TestApp, s: Session, extra: Record<string, unknown> = {}) {
  const res = await h.inject({ method: 'POST', url: '/v1/crisis-playbooks', headers: bearer(s.token), payload: playbookBody(extra) })
  if (res.statusCode !== 201) throw new Error(`playbook failed: ${res.statusCode} ${res.body}`)
  return json(res)
}

export async function activate (h: TestApp, s: Pick<Session, 'token'>, playbookId: string, payload: Record<string, unknown>) {
  return await h.inject({ method: 'POST', url: `/v1/crisis-playbooks/${playbookId}/activate`, headers: bearer(s.token), payload })
}
