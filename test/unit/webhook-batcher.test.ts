import t from 'tap'
import { createBatcher } from '../../src/modules/webhooks/webhook-batcher.js'

// Concurrent deliveries share their read and settle statements: requests for one key within
// the window travel as one batch, each caller gets its own answer, and a failed batch fails
// each of its callers (whose jobs then run again).

t.test('requests within the window share one batch per key; each gets its answer', async (t) => {
  const batches: Array<[string, number[]]> = []
  const run = createBatcher<number, string>(async (key, items) => { batches.push([key, items]); return items.map((i) => `${key}:${i}`) }, { delayMs: 5, maxSize: 100 })
  const answers = await Promise.all([run('a', 1), run('b', 2), run('a', 3), run('a', 4)])
  t.same(answers, ['a:1', 'b:2', 'a:3', 'a:4'])
  t.same(batches.sort(), [['a', [1, 3, 4]], ['b', [2]]], 'one batch per key (organization)')
})

t.test('a full batch goes at once; later requests start the next', async (t) => {
  const sizes: number[] = []
  const run = createBatcher<number, number>(async (_key, items) => { sizes.push(items.length); return items }, { delayMs: 1000, maxSize: 3 })
  const started = Date.now()
  t.same(await Promise.all([1, 2, 3].map(async (i) => await run('a', i))), [1, 2, 3])
  t.ok(Date.now() - started < 500, 'did not wait for the window')
  t.same(sizes, [3])
})

t.test('a failed batch fails every caller in it, and only them', async (t) => {
  let calls = 0
  const run = createBatcher<number, number>(async (_key, items) => { calls++; if (calls === 1) throw new Error('boom'); return items }, { delayMs: 2, maxSize: 10 })
  const first = await Promise.allSettled([run('a', 1), run('a', 2)])
  t.same(first.map((r) => r.status), ['rejected', 'rejected'])
  t.equal(await run('a', 3), 3, 'the next batch is on its own')
})
