import t from 'tap'
import { ApprovalRequestNode, toRequestDto } from '../../src/modules/approval-requests/approval-requests.dto.js'
import type { ApprovalDecisionRow, ApprovalRequestRow } from '../../src/modules/approval-requests/approval-requests.repository.js'
import { ApprovalRequestSchema } from '../../src/modules/approval-requests/approval-requests.schemas.js'

// ContentItem.approval's GraphQL node builds its costly fields only when read: whatever is
// read must be what REST's reply (toRequestDto) says, field for field, for the team and for
// a client, open and overdue, approved and closed.

const at = (iso: string) => new Date(iso)
const steps = [
  { name: 'Internal review', roles: ['manager' as const], memberIds: [], mode: 'any' as const, eligibleMemberIds: ['00000000-0000-4000-8000-0000000000a1'] },
  { name: 'Client approval', roles: ['client' as const], memberIds: ['00000000-0000-4000-8000-0000000000c1'], mode: 'all' as const, eligibleMemberIds: ['00000000-0000-4000-8000-0000000000c1'] }
]
const base: ApprovalRequestRow = {
  id: '00000000-0000-4000-8000-000000000001',
  organizationId: '00000000-0000-4000-8000-0000000000f0',
  brandId: '00000000-0000-4000-8000-0000000000b1',
  contentItemId: '00000000-0000-4000-8000-0000000000e1',
  revision: 3,
  policyId: null,
  policyName: 'Two steps',
  steps,
  currentStep: 1,
  status: 'open',
  dueAt: at('2030-01-02T10:00:00.000Z'),
  overdueNotifiedAt: null,
  submittedByType: 'member',
  submittedById: '00000000-0000-4000-8000-0000000000a2',
  submittedByLabel: 'ada@example.com',
  closedAt: null,
  createdAt: at('2030-01-01T09:00:00.123Z'),
  updatedAt: at('2030-01-01T11:30:00.456Z'),
  version: 2
}
const decisions: ApprovalDecisionRow[] = [
  { id: '00000000-0000-4000-8000-0000000000d1', organizationId: base.organizationId, requestId: base.id, step: 0, decision: 'approve', comment: 'Internal: fine', actorType: 'member', actorId: '00000000-0000-4000-8000-0000000000a1', actorLabel: 'bo@example.com', createdAt: at('2030-01-01T11:30:00.456Z') }
]

const cases: Array<[string, ApprovalRequestRow, ApprovalDecisionRow[], number]> = [
  ['open, not yet due', base, decisions, Date.parse('2030-01-01T12:00:00Z')],
  ['open and overdue', base, decisions, Date.parse('2030-01-03T00:00:00Z')],
  ['approved and closed', { ...base, status: 'approved', currentStep: 2, closedAt: at('2030-01-01T12:00:00Z') }, [...decisions, { ...decisions[0], id: '00000000-0000-4000-8000-0000000000d2', step: 1, comment: 'Client: go', actorId: '00000000-0000-4000-8000-0000000000c1', createdAt: at('2030-01-01T12:00:00Z') }], Date.parse('2030-01-03T00:00:00Z')],
  ['no due date, no decision', { ...base, dueAt: null, currentStep: 0 }, [], Date.parse('2030-01-03T00:00:00Z')]
]

t.test('every field of the node reads as the REST reply does', async (t) => {
  const fields = Object.keys(ApprovalRequestSchema.shape)
  for (const [what, row, rows, now] of cases) {
    for (const show of [true, false]) {
      const dto = toRequestDto(row, rows, show, now)
      const node = new ApprovalRequestNode(row, rows, show, now)
      t.same(Object.keys(dto).sort(), [...fields].sort(), 'the reply has every field of the schema')
      for (const field of fields) {
        t.same((node as unknown as Record<string, unknown>)[field], (dto as Record<string, unknown>)[field], `${what}, ${show ? 'the team' : 'a client'}: ${field}`)
      }
      t.ok(ApprovalRequestSchema.safeParse(Object.fromEntries(fields.map((f) => [f, (node as unknown as Record<string, unknown>)[f]]))).success, `${what}: the node's fields make a valid request`)
    }
  }
  const node = new ApprovalRequestNode(base, decisions, true, 0)
  t.equal(node.steps, node.steps, 'steps are built once, then kept')
  t.equal(node.decisions, node.decisions, 'decisions too')
})

t.test('a column a light read did not select is refused, not taken for null', async (t) => {
  const { createdAt: _c, updatedAt: _u, closedAt: _cl, submittedByType: _st, submittedById: _si, submittedByLabel: _sl, overdueNotifiedAt: _o, organizationId: _org, ...light } = base
  const node = new ApprovalRequestNode(light as ApprovalRequestRow, decisions, true, 0)
  t.equal(node.status, 'open', 'what it read answers')
  t.equal(node.decisions.length, 1)
  t.equal(node.dueAt, '2030-01-02T10:00:00.000Z')
  for (const field of ['createdAt', 'updatedAt', 'closedAt', 'submittedBy'] as const) {
    t.throws(() => node[field], /was not read/, `${field} was not read`)
  }
})
