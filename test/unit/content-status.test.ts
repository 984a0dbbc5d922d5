import t from 'tap'
import { CONTENT_STATUSES, type ContentStatus } from '../../src/db/tables/content-items.js'
import {
  ACTIONS, TRANSITIONS, actionsFrom, assertAction, assertDeletable, assertEditable, assertTransition, canTransition, isPublishableChange, statusAfterEdit
} from '../../src/modules/content-items/content-status.js'
import { AppError } from '../../src/lib/errors.js'

// The machine as the product describes it, written out pair by pair so that a change to the
// table shows up here as a deliberate edit.
const LEGAL: Array<[ContentStatus, ContentStatus]> = [
  ['draft', 'in_review'],
  ['in_review', 'approved'], ['in_review', 'changes_requested'], ['in_review', 'draft'],
  ['changes_requested', 'in_review'],
  ['approved', 'scheduled'], ['approved', 'draft'],
  ['scheduled', 'approved'], ['scheduled', 'publishing'], ['scheduled', 'failed'], ['scheduled', 'draft'],
  ['publishing', 'published'], ['publishing', 'failed'],
  ['failed', 'scheduled'], ['failed', 'draft'],
  ['archived', 'draft'],
  ...CONTENT_STATUSES.filter((s) => s !== 'archived').map((s): [ContentStatus, ContentStatus] => [s, 'archived'])
]

t.test('every pair of statuses is legal exactly when the product says so', async (t) => {
  const legal = new Set(LEGAL.map(([a, b]) => `${a}>${b}`))
  for (const from of CONTENT_STATUSES) {
    for (const to of CONTENT_STATUSES) {
      t.equal(canTransition(from, to), legal.has(`${from}>${to}`), `${from} → ${to}`)
    }
  }
  t.equal(Object.values(TRANSITIONS).flat().length, LEGAL.length, 'no extra edges')
})

t.test('an illegal move is a 409 naming the current status and the allowed next ones', async (t) => {
  t.doesNotThrow(() => assertTransition('approved', 'scheduled'))
  try {
    assertTransition('draft', 'scheduled', 'schedule')
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof AppError)
    const e = err as AppError
    t.equal(e.code, 'HERALD_ILLEGAL_TRANSITION')
    t.equal(e.status, 409)
    t.same(e.extra, { currentStatus: 'draft', allowed: ['in_review', 'archived'], allowedActions: ['submit', 'archive'] })
    t.match(e.message, /Cannot schedule: the item is draft/)
  }
  t.throws(() => assertTransition('archived', 'archived'), { code: 'HERALD_ILLEGAL_TRANSITION' })
  t.throws(() => assertTransition('published', 'draft'), { code: 'HERALD_ILLEGAL_TRANSITION' })
})

t.test('client actions: narrower than the machine', async (t) => {
  const starts = Object.fromEntries(CONTENT_STATUSES.map((s) => [s, actionsFrom(s)]))
  t.same(starts, {
    draft: ['submit', 'archive'],
    in_review: ['archive'],
    changes_requested: ['submit', 'archive'],
    approved: ['schedule', 'archive'],
    scheduled: ['unschedule', 'archive'],
    publishing: ['archive'],
    published: ['archive'],
    failed: ['schedule', 'archive'],
    archived: ['restore']
  }, 'a client never approves (in_review → approved is the reviewers\' move) and never restores what is not archived')
  for (const [name, action] of Object.entries(ACTIONS)) {
    for (const from of action.from) t.ok(canTransition(from, action.to), `${name} from ${from} is a move of the machine`)
  }
  t.throws(() => assertAction('in_review', 'unschedule'), { code: 'HERALD_ILLEGAL_TRANSITION' })
  t.throws(() => assertAction('approved', 'restore'), { code: 'HERALD_ILLEGAL_TRANSITION' })
  t.doesNotThrow(() => assertAction('failed', 'schedule'), 'a failed post can be retried')
  try {
    assertAction('in_review', 'unschedule')
  } catch (err) {
    t.same((err as AppError).extra, { currentStatus: 'in_review', allowed: ['approved', 'changes_requested', 'draft', 'archived'], allowedActions: ['archive'] })
  }
})

t.test('edits: what would be published sends reviewed content back to draft', async (t) => {
  for (const field of ['kind', 'body', 'media', 'link', 'hashtags', 'firstComment', 'targets']) {
    t.ok(isPublishableChange([field]), field)
    for (const s of ['in_review', 'approved', 'scheduled', 'failed'] as const) t.equal(statusAfterEdit(s, ['title', field]), 'draft', `${s} + ${field}`)
  }
  for (const field of ['title', 'labels', 'assigneeId', 'campaignId', 'scheduledAt', 'scheduledLocal', 'timeZone', 'scheduleBasis']) {
    t.notOk(isPublishableChange([field]), field)
    for (const s of ['in_review', 'approved', 'scheduled'] as const) t.equal(statusAfterEdit(s, [field]), null, `${s} keeps its status on ${field}`)
  }
  t.equal(statusAfterEdit('draft', ['body']), null, 'a draft stays a draft')
  t.equal(statusAfterEdit('changes_requested', ['body']), null, 'changes are made while changes are requested')
  for (const s of ['publishing', 'published', 'archived'] as const) {
    t.throws(() => assertEditable(s), { code: 'HERALD_CONFLICT' }, s)
  }
  for (const s of ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'failed'] as const) t.doesNotThrow(() => assertEditable(s), s)
})

t.test('only drafts are deleted', async (t) => {
  t.doesNotThrow(() => assertDeletable('draft'))
  for (const s of CONTENT_STATUSES.filter((x) => x !== 'draft')) {
    t.throws(() => assertDeletable(s), { code: 'HERALD_CONFLICT', message: /Archive it instead/ }, s)
  }
})
