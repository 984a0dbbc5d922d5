import t, { type Test } from 'tap'
import path from 'node:path'
import { runFiles } from '../../scripts/tap-runner.js'

// scripts/test.ts runs the suite's files through scripts/tap-runner.ts: what it reports must be
// what happened, whatever way a file ends.

const files = {
  'pass.mjs': "import t from 'tap'\nt.test('two', async (t) => { t.pass('a'); t.pass('b') })\n",
  'fail.mjs': "import t from 'tap'\nt.test('wrong', async (t) => { t.equal(1, 2, 'one is two') })\nt.pass('right')\n",
  'crash.mjs': "import t from 'tap'\nt.pass('before')\nsetTimeout(() => { throw new Error('boom outside a test') }, 10)\n",
  'exit.mjs': 'process.exit(3)\n',
  'hang.mjs': "import t from 'tap'\nt.pass('started')\nsetInterval(() => {}, 1000)\nprocess.on('SIGTERM', () => {})\n"
}

async function run (t: Test, names: Array<keyof typeof files>, killAfterSeconds = 60) {
  const dir = t.testdir(files)
  let out = ''
  const code = await runFiles({
    files: names.map((n) => ({ path: path.join(dir, n), name: n })),
    jobs: 2,
    timeoutSeconds: 30,
    killAfterSeconds,
    env: process.env,
    write: (s) => { out += s }
  })
  return { code, out }
}

t.test('passing files: exit 0, each file ok, the totals of their test points', async (t) => {
  const { code, out } = await run(t, ['pass.mjs', 'pass.mjs'])
  t.equal(code, 0)
  t.match(out, /^ok \d - pass\.mjs # time=\d+ms$/m)
  t.match(out, /^1\.\.2$/m)
  t.match(out, /^# \{ total: 4, pass: 4 \}$/m)
})

t.test('a failed assertion, an uncaught exception and an exit without TAP each fail the run', async (t) => {
  const { code, out } = await run(t, ['pass.mjs', 'fail.mjs', 'crash.mjs', 'exit.mjs'])
  t.equal(code, 1)
  t.match(out, /^not ok \d - fail\.mjs \(exit 1\)/m)
  t.match(out, /^ {8}not ok 1 - one is two$/m, "the file's own report, as a subtest")
  t.match(out, /^not ok \d - crash\.mjs/m)
  t.match(out, /boom outside a test/)
  t.match(out, /^not ok \d - exit\.mjs \(exit 3\)/m)
  t.match(out, /^ok \d - pass\.mjs/m)
  t.match(out, /^# failed 3 of 4 test files$/m)
})

t.test('a file that outlives its time is stopped (SIGKILL when it ignores SIGTERM) and fails', async (t) => {
  const { code, out } = await run(t, ['hang.mjs'], 2)
  t.equal(code, 1)
  t.match(out, /^not ok 1 - hang\.mjs \(stopped after 2 s\)/m)
})
