import t from 'tap'
import {
  approvalStands, checkDecider, decide, refusalError, resolveEligible, stepComplete, unreachableSteps,
  type DeciderActor, type DecisionRecord, type EligibleMember, type FrozenStep, type RequestState
} from '../../src/modules/approval-requests/approval-engine.js'
import { builtInDefaultPolicy, isClientStep } from '../../src/modules/approval-policies/policy-steps.js'
import type { Role } from '../../src/lib/actor.js'

// The approval rules without a database: who may decide, and what each decision does.

const BRAND = 'b0000000-0000-4000-8000-000000000001'
const OTHER_BRAND = 'b0000000-0000-4000-8000-000000000002'
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const member = (n: number, role: Role, brandIds: string[] | null = null): EligibleMember & DeciderActor & { kind: 'member' } =>
  ({ kind: 'member', id: id(n), role, brandIds })

const author = member(1, 'creator')
const mgr1 = member(2, 'manager')
const mgr2 = member(3, 'manager')
const limitedMgr = member(4, 'manager', [OTHER_BRAND])
const client1 = member(5, 'client', [BRAND])
const client2 = member(6, 'client', [BRAND])
const admin = member(7, 'admin')
const legal = member(8, 'analyst')
const invitedLater = member(9, 'manager')
const everyone = [author, mgr1, mgr2, limitedMgr, client1, client2, admin, legal]
const guest: DeciderActor = { kind: 'guest', id: id(100) }
const apiKey: DeciderActor = { kind: 'api_key', id: id(200) }

function request (steps: FrozenStep[], over: Partial<RequestState> = {}): RequestState {
  return { status: 'open', currentStep: 0, steps, decisions: [], brandId: BRAND, authorId: author.id, ...over }
}

function freeze (steps: Parameters<typeof resolveEligible>[0]) {
  return resolveEligible(steps, everyone, { brandId: BRAND, authorId: author.id })
}

/** Applies a series of decisions, asserting each is accepted; returns the last state. */
function run (state: RequestState, moves: Array<[DeciderActor, 'approve' | 'request_changes' | 'reject']>) {
  let s = state
  const outcomes = []
  for (const [actor, decision] of moves) {
    const r = decide(s, actor, decision)
    if (!r.ok) throw new Error(`refused: ${r.refusal.reason}`)
    outcomes.push(r.outcome)
    s = { ...s, status: r.outcome.status, currentStep: r.outcome.currentStep, decisions: [...s.decisions, r.outcome.record] }
  }
  return { state: s, outcomes }
}

t.test('resolveEligible freezes who qualifies per step: role or named, brand visible, never the author', async (t) => {
  const frozen = freeze([
    { name: 'Managers', roles: ['manager'], memberIds: [], mode: 'all' },
    { name: 'Named', roles: null, memberIds: [legal.id, author.id, limitedMgr.id], mode: 'any' },
    { name: 'Both', roles: ['client'], memberIds: [client1.id, admin.id], mode: 'all' },
    { name: 'Creators', roles: ['creator'], mode: 'any' }
  ])
  t.same(frozen[0].eligibleMemberIds, [mgr1.id, mgr2.id], 'the manager limited to another brand is left out')
  t.same(frozen[1].eligibleMemberIds, [legal.id], 'the author and a member who cannot see the brand are left out')
  t.same(frozen[2].eligibleMemberIds, [client1.id, client2.id, admin.id], 'roles and named members combine, without repeats')
  t.same(frozen[3].eligibleMemberIds, [], 'the only creator is the author')
  t.same(frozen[1].roles, [], 'absent lists become empty lists')
  t.same(frozen[3].memberIds, [])
  t.same(unreachableSteps(frozen), [3], 'a step nobody can decide is reported')
  const clientOnly = resolveEligible([{ name: 'Client', roles: ['client'], mode: 'any' }], [mgr1], { brandId: BRAND, authorId: null })
  t.same(unreachableSteps(clientOnly), [], 'a client step without client members can still be decided by a guest link')
})

t.test('the built-in default is one internal step for managers, admins and owners; fresh each call', async (t) => {
  const d = builtInDefaultPolicy()
  t.same(d, { name: 'Internal review', steps: [{ name: 'Internal review', roles: ['manager', 'admin', 'owner'], memberIds: [], mode: 'any' }] })
  d.steps[0].roles!.push('client')
  t.same(builtInDefaultPolicy().steps[0].roles, ['manager', 'admin', 'owner'], 'callers cannot change the default by mutating a copy')
  t.equal(isClientStep(d.steps[0]), true)
  t.equal(isClientStep(builtInDefaultPolicy().steps[0]), false)
  t.equal(isClientStep({ roles: null }), false)
})

t.test('refusals: API key, closed, own content, not an approver, already decided', async (t) => {
  const steps = freeze([{ name: 'Internal review', roles: ['manager', 'creator'], mode: 'any' }, { name: 'Client', roles: ['client'], mode: 'any' }])

  const key = checkDecider(request(steps), apiKey)
  t.match(key, { status: 403, code: 'HERALD_USER_REQUIRED', reason: 'api_key' })

  for (const status of ['approved', 'changes_requested', 'rejected', 'invalidated'] as const) {
    t.match(checkDecider(request(steps, { status }), mgr1), { status: 409, code: 'HERALD_CONFLICT', reason: 'request_closed' }, status)
  }

  const own = checkDecider(request(steps), author)
  t.match(own, { status: 403, code: 'HERALD_FORBIDDEN', reason: 'own_content' }, 'the author is refused even though creators qualify for the step')
  const managerAuthor = checkDecider(request(steps, { authorId: mgr1.id }), mgr1)
  t.match(managerAuthor, { reason: 'own_content' }, 'whatever the role')

  t.match(checkDecider(request(steps), client1), { status: 403, reason: 'not_an_approver' }, 'a client at the internal step')
  t.match(checkDecider(request(steps), guest), { status: 403, reason: 'not_an_approver' }, 'a guest at a non-client step')
  t.match(checkDecider(request(steps), limitedMgr), { status: 403, reason: 'not_an_approver' }, 'a manager who cannot see the brand')
  t.match(checkDecider(request(steps), invitedLater), { status: 403, reason: 'not_an_approver' }, 'a manager who was not a member at submission')
  t.match(checkDecider(request(steps), { ...mgr2, role: 'analyst' }), { status: 403, reason: 'not_an_approver' }, 'demoted since submission')
  t.match(checkDecider(request(steps), { ...mgr2, brandIds: [OTHER_BRAND] }), { status: 403, reason: 'not_an_approver' }, 'brand grant withdrawn since submission')
  t.equal(checkDecider(request(steps), mgr2), null)

  const decided: DecisionRecord[] = [{ step: 0, decision: 'approve', actorType: 'member', actorId: mgr1.id }]
  const allSteps = freeze([{ name: 'All managers', roles: ['manager'], mode: 'all' }])
  t.match(checkDecider(request(allSteps, { decisions: decided }), mgr1), { status: 409, reason: 'already_decided' })
  t.equal(checkDecider(request(allSteps, { decisions: decided }), mgr2), null, 'another approver of the same step may still decide')
  const guestDecided: DecisionRecord[] = [{ step: 0, decision: 'approve', actorType: 'guest', actorId: guest.id }]
  const clientAll = freeze([{ name: 'Clients', roles: ['client'], mode: 'all' }])
  t.match(checkDecider(request(clientAll, { decisions: guestDecided }), guest), { reason: 'already_decided' }, 'a guest link decides once per step')
  t.equal(checkDecider(request(clientAll, { decisions: guestDecided }), { kind: 'guest', id: id(101) }), null, 'another link is another guest')

  const err = refusalError(own!)
  t.equal(err.status, 403)
  t.equal(err.code, 'HERALD_FORBIDDEN')
  t.same(err.extra, { reason: 'own_content' })
  const refused = decide(request(steps), author, 'approve')
  t.same(refused, { ok: false, refusal: own })
})

t.test('two steps, any: internal approval moves to the client step, the client approval approves', async (t) => {
  const steps = freeze([{ name: 'Internal review', roles: ['manager'], mode: 'any' }, { name: 'Client approval', roles: ['client'], mode: 'any' }])
  const { state, outcomes } = run(request(steps), [[mgr1, 'approve'], [client1, 'approve']])
  t.match(outcomes[0], { status: 'open', currentStep: 1, stepCompleted: true, closed: false, contentStatus: null, record: { step: 0, decision: 'approve', actorType: 'member', actorId: mgr1.id } })
  t.same(outcomes[0].events, [{ type: 'approval.decided', data: { step: 0, stepName: 'Internal review', decision: 'approve', status: 'open', currentStep: 1 } }])
  t.match(outcomes[1], { status: 'approved', currentStep: 2, stepCompleted: true, closed: true, contentStatus: 'approved' })
  t.same(outcomes[1].events.map((e) => e.type), ['approval.decided', 'content_item.approved'])
  t.equal(state.status, 'approved')
  t.match(checkDecider(state, client2), { reason: 'request_closed' }, 'nothing more after the final approval')
})

t.test('a guest link completes a client step', async (t) => {
  const steps = freeze([{ name: 'Client approval', roles: ['client'], mode: 'any' }])
  const { outcomes } = run(request(steps), [[guest, 'approve']])
  t.match(outcomes[0], { status: 'approved', contentStatus: 'approved', record: { actorType: 'guest', actorId: guest.id } })
})

t.test('mode all: every frozen approver must approve; guests count only when no member is frozen', async (t) => {
  const steps = freeze([{ name: 'All managers', roles: ['manager'], mode: 'all' }, { name: 'Clients', roles: ['client'], mode: 'all' }])
  const first = run(request(steps), [[mgr1, 'approve']])
  t.match(first.outcomes[0], { status: 'open', currentStep: 0, stepCompleted: false, closed: false, contentStatus: null })
  t.same(first.outcomes[0].events.map((e) => e.type), ['approval.decided'])
  const second = run(first.state, [[mgr2, 'approve']])
  t.match(second.outcomes[0], { status: 'open', currentStep: 1, stepCompleted: true })
  const withGuest = run(second.state, [[guest, 'approve'], [client1, 'approve']])
  t.match(withGuest.outcomes[1], { status: 'open', currentStep: 1, stepCompleted: false }, 'a guest does not replace a frozen client')
  const done = run(withGuest.state, [[client2, 'approve']])
  t.match(done.outcomes[0], { status: 'approved', currentStep: 2, contentStatus: 'approved' })

  const noClients = resolveEligible([{ name: 'Clients', roles: ['client'], mode: 'all' }], [mgr1], { brandId: BRAND, authorId: null })
  t.match(run(request(noClients), [[guest, 'approve']]).outcomes[0], { status: 'approved' }, 'with no frozen member, the first approval completes')

  t.equal(stepComplete(steps[0], []), false, 'no approval never completes a step')
  t.equal(stepComplete(steps[0], [{ step: 0, decision: 'approve', actorType: 'guest', actorId: guest.id }]), false)
})

t.test('request_changes and reject close the request at any step, in any mode', async (t) => {
  const steps = freeze([{ name: 'All managers', roles: ['manager'], mode: 'all' }, { name: 'Client', roles: ['client'], mode: 'any' }])
  const changes = run(request(steps), [[mgr1, 'approve'], [mgr2, 'request_changes']])
  t.match(changes.outcomes[1], { status: 'changes_requested', currentStep: 0, stepCompleted: false, closed: true, contentStatus: 'changes_requested' })
  t.same(changes.outcomes[1].events, [
    { type: 'approval.decided', data: { step: 0, stepName: 'All managers', decision: 'request_changes', status: 'changes_requested', currentStep: 0 } },
    { type: 'content_item.changes_requested', data: { step: 0, stepName: 'All managers' } }
  ])
  t.match(checkDecider(changes.state, mgr1), { reason: 'request_closed' })

  const rejected = run(request(steps), [[mgr1, 'approve'], [mgr2, 'approve'], [guest, 'reject']])
  t.match(rejected.outcomes[2], { status: 'rejected', currentStep: 1, closed: true, contentStatus: 'draft' })
  t.same(rejected.outcomes[2].events.map((e) => e.type), ['approval.decided', 'content_item.rejected'])
})

t.test('decisions at earlier steps do not count at later ones', async (t) => {
  const steps = freeze([{ name: 'First', roles: ['manager'], mode: 'any' }, { name: 'Second', roles: ['manager'], mode: 'any' }])
  const after = run(request(steps), [[mgr1, 'approve']])
  t.equal(checkDecider(after.state, mgr1), null, 'the same manager may decide again at the next step')
  const done = run(after.state, [[mgr1, 'approve']])
  t.equal(done.state.status, 'approved')
})

t.test('an approver of a completed step arriving late gets a conflict, not a refusal of rights', async (t) => {
  const steps = freeze([{ name: 'Internal review', roles: ['manager'], mode: 'any' }, { name: 'Client approval', roles: ['client'], mode: 'any' }])
  const after = run(request(steps), [[mgr1, 'approve']])
  t.match(checkDecider(after.state, mgr2), { status: 409, code: 'HERALD_CONFLICT', reason: 'step_completed', detail: /"Internal review" is already complete/ },
    'the second manager of an any step, once the first approved')
  t.match(checkDecider(after.state, mgr1), { status: 409, reason: 'step_completed' }, 'the first one too: their step is done')
  t.match(checkDecider(after.state, legal), { status: 403, reason: 'not_an_approver' }, 'someone who never decided any step is still refused for rights')
  const clientFirst = freeze([{ name: 'Client', roles: ['client'], mode: 'any' }, { name: 'Internal', roles: ['manager'], mode: 'any' }])
  const afterClient = run(request(clientFirst), [[guest, 'approve']])
  t.match(checkDecider(afterClient.state, { kind: 'guest', id: id(101) }), { status: 409, reason: 'step_completed' }, 'a guest link once the client step is done')
  t.match(checkDecider(request(clientFirst, { status: 'approved', currentStep: 2 }), mgr1), { reason: 'request_closed' }, 'a closed request says so first')
})

t.test('an approval stands for an approved request of this revision, or of one that publishes the same', async (t) => {
  const asked: Array<[number, number]> = []
  const same = (answer: boolean) => (a: number, b: number) => { asked.push([a, b]); return answer }
  t.equal(await approvalStands(undefined, 3, same(true)), false, 'no request')
  t.equal(await approvalStands({ status: 'open', revision: 3 }, 3, same(true)), false, 'not approved yet')
  t.equal(await approvalStands({ status: 'invalidated', revision: 3 }, 3, same(true)), false, 'invalidated')
  t.same(asked, [], 'revisions are not compared for a request that is not approved')
  t.equal(await approvalStands({ status: 'approved', revision: 3 }, 3, same(false)), true, 'approved, this revision')
  t.same(asked, [], 'nor for the approved revision itself')
  t.equal(await approvalStands({ status: 'approved', revision: 2 }, 3, same(true)), true, 'an earlier revision that publishes the same')
  t.equal(await approvalStands({ status: 'approved', revision: 2 }, 3, async () => false), false, 'an earlier revision that publishes something else')
  t.same(asked, [[2, 3]], 'compared as (approved, current)')
})
