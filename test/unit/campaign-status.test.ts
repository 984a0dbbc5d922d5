import t from 'tap'
import { AppError } from '../../src/lib/errors.js'
import { CAMPAIGN_STATUSES } from '../../src/db/tables/campaigns.js'
import { allowedNext, assertTransition, canTransition, isDeletable, type CampaignStatus } from '../../src/modules/campaigns/campaign-status.js'

// The decided edges, written out once more so that a change to the table is a visible choice.
const EXPECTED: Record<CampaignStatus, CampaignStatus[]> = {
  draft: ['planned', 'archived'],
  planned: ['active', 'draft', 'archived'],
  active: ['paused', 'completed'],
  paused: ['active', 'completed', 'archived'],
  completed: ['archived'],
  archived: ['draft']
}

t.test('every pair of statuses is allowed exactly when the table says so', async (t) => {
  for (const from of CAMPAIGN_STATUSES) {
    for (const to of CAMPAIGN_STATUSES) {
      t.equal(canTransition(from, to), EXPECTED[from].includes(to), `${from} → ${to}`)
    }
    t.same([...allowedNext(from)].sort(), [...EXPECTED[from]].sort(), `next of ${from}`)
    t.notOk(canTransition(from, from), `${from} → ${from} is not a transition (the service treats it as no change)`)
  }
})

t.test('the spec\'s line draft → planned → active ⇄ paused → completed → archived is walkable', async (t) => {
  const path: CampaignStatus[] = ['draft', 'planned', 'active', 'paused', 'active', 'paused', 'completed', 'archived']
  for (let i = 1; i < path.length; i++) t.doesNotThrow(() => assertTransition(path[i - 1], path[i]), `${path[i - 1]} → ${path[i]}`)
})

t.test('an illegal move throws 409 with the allowed next states', async (t) => {
  const cases: Array<[CampaignStatus, CampaignStatus]> = [['draft', 'active'], ['active', 'archived'], ['completed', 'active'], ['archived', 'active'], ['active', 'draft']]
  for (const [from, to] of cases) {
    try {
      assertTransition(from, to)
      t.fail(`${from} → ${to} should be refused`)
    } catch (err) {
      t.ok(err instanceof AppError)
      const e = err as AppError
      t.equal(e.code, 'HERALD_ILLEGAL_TRANSITION')
      t.equal(e.status, 409)
      t.same(e.extra, { from, to, allowed: EXPECTED[from] })
      t.same(e.errors, [{ path: 'status', message: `not allowed from ${from}` }])
      t.match(e.message, new RegExp(`from ${from} it can become ${EXPECTED[from].join(', ')}`))
    }
  }
})

t.test('every status is reachable from draft, and archived leads back only to draft', async (t) => {
  const seen = new Set<CampaignStatus>(['draft'])
  const queue: CampaignStatus[] = ['draft']
  while (queue.length) for (const next of allowedNext(queue.shift()!)) if (!seen.has(next)) { seen.add(next); queue.push(next) }
  t.same([...seen].sort(), [...CAMPAIGN_STATUSES].sort())
  t.same(allowedNext('archived'), ['draft'])
})

t.test('only drafts can be deleted', async (t) => {
  t.same(CAMPAIGN_STATUSES.filter(isDeletable), ['draft'])
})
