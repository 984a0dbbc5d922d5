import t from 'tap'
import { issuesError, ruleIssues, type TargetChecker } from '../../src/modules/content-items/content-validation.js'
import type { TargetState } from '../../src/modules/content-items/content-state.js'

// The platform rules themselves belong to the platforms module; what content owns is how a
// violation becomes an error: which text a target is checked with, and the path it is given.
// A stand-in checker that knows two rules makes both visible.
const checker: TargetChecker = (platform, c) => {
  const out: ReturnType<TargetChecker> = []
  if (platform === 'x' && c.body.length > 10) out.push({ field: 'body', kind: 'limit', message: `X allows at most 10 characters here (this has ${c.body.length})` })
  if (platform === 'instagram' && c.media.length === 0) out.push({ field: 'media', kind: 'incomplete', message: 'Instagram needs at least one image or video' })
  if (platform === 'instagram' && c.hashtags.length > 1) out.push({ field: 'hashtags', kind: 'limit', message: 'at most 1 hashtag here' })
  return out
}

const item = { kind: 'post' as const, body: 'a long base body', media: [], firstComment: null, hashtags: ['a', 'b'], link: null }
const target = (platform: TargetState['platform'], over: Partial<TargetState> = {}): TargetState =>
  ({ socialAccountId: '00000000-0000-4000-8000-000000000000', platform, body: null, media: null, firstComment: null, ...over })

t.test('each violation is named targets/<i>/<field> with the rule\'s message', async (t) => {
  const targets = [target('x', { body: 'short' }), target('x'), target('instagram')]
  t.same(ruleIssues(checker, item, targets), [
    { code: 'HERALD_VALIDATION', path: 'targets/1/body', message: 'X allows at most 10 characters here (this has 16)' },
    { code: 'HERALD_VALIDATION', path: 'targets/2/media', message: 'Instagram needs at least one image or video' },
    { code: 'HERALD_VALIDATION', path: 'targets/2/hashtags', message: 'at most 1 hashtag here' }
  ], 'the override is checked where there is one, the base body where there is none; what is missing is refused like a limit')
})

t.test('overrides replace the base fields, null falls back to them', async (t) => {
  const seen: unknown[] = []
  ruleIssues((_p, c) => { seen.push(c); return [] }, { ...item, firstComment: 'base comment', link: 'https://x.example' },
    [target('linkedin', { body: 'LI', media: [], firstComment: 'LI comment' }), target('tiktok')])
  t.same(seen, [
    { kind: 'post', body: 'LI', media: [], firstComment: 'LI comment', hashtags: ['a', 'b'], link: 'https://x.example' },
    { kind: 'post', body: 'a long base body', media: [], firstComment: 'base comment', hashtags: ['a', 'b'], link: 'https://x.example' }
  ])
})

t.test('a prefix puts bulk items under items/<i>/; unknown platforms are not checked', async (t) => {
  t.same(ruleIssues(checker, item, [target(null), target('x')], 'items/3/').map((i) => i.path), ['items/3/targets/1/body'])
})

t.test('problems of several kinds: the status is the most basic one, every problem is listed', async (t) => {
  const err = issuesError([
    { code: 'HERALD_BLACKOUT', path: 'items/0/scheduledAt', message: 'inside', blackout: { id: 'b', reason: 'r', startsAt: 's', endsAt: 'e' } },
    { code: 'HERALD_VALIDATION', path: 'items/1/targets/0/body', message: 'too long' },
    { code: 'HERALD_UNPROCESSABLE', path: 'items/2/campaignId', message: 'other brand' }
  ])
  t.equal(err.code, 'HERALD_VALIDATION')
  t.equal(err.status, 400)
  t.same(err.errors?.map((e) => e.path), ['items/0/scheduledAt', 'items/1/targets/0/body', 'items/2/campaignId'])
  t.equal(err.extra, undefined, 'the blackout is only attached when it is the reason')
  const blackout = issuesError([{ code: 'HERALD_BLACKOUT', path: 'scheduledAt', message: 'inside', blackout: { id: 'b', reason: 'r', startsAt: 's', endsAt: 'e' } }])
  t.equal(blackout.status, 409)
  t.same(blackout.extra, { blackout: { id: 'b', reason: 'r', startsAt: 's', endsAt: 'e' } })
  const many = issuesError(Array.from({ length: 12 }, (_, i) => ({ code: 'HERALD_VALIDATION' as const, path: `items/${i}/title`, message: 'bad' })))
  t.match(many.message, /and 2 more \(see errors\)/)
  t.equal(many.errors?.length, 12)
})
