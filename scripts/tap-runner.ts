// Runs tap test files, each in a Node process of its own, a few at a time, and prints their TAP
// as tap's runner does: each file as a subtest, `ok N - file # time=…` as it ends, then the
// totals (`# { total: …, pass: … }`) and the exit code 1 when anything failed.
//
// Why not tap's own runner: it starts every test file with tap's process-info and mock loaders
// (for coverage and module mocks, neither of which this suite uses), and the process-info one
// follows every child process the tests start through NODE_OPTIONS. On Node 20 both are module
// hooks on a thread of their own, which every module load crosses: importing the app took ~1.7 s
// more CPU with them than without (2.0 → 3.7 s on a loaded machine, 2026-12-01), in each of
// the ~120 test processes of each CI run and in every server a fault test starts. The test files
// are unchanged: they import tap and report through it, and run the same with `node file.js`.
import { spawn } from 'node:child_process'

export interface RunOptions {
  /** Files to run (JavaScript), and the name each is reported under. */
  files: Array<{ path: string, name: string }>
  jobs: number
  /** tap's time-out for a file's tests, in seconds (TAP_TIMEOUT; a file may set its own). */
  timeoutSeconds: number
  /** Seconds after which a file still running is stopped (SIGTERM, then SIGKILL) and fails. */
  killAfterSeconds: number
  env: NodeJS.ProcessEnv
  write: (text: string) => void
}

interface FileResult { ok: boolean, counts: Record<string, number>, output: string, ms: number, reason?: string }

/** tap's closing comment in a file's output: `# { total: 95, pass: 94, fail: 1 }`. */
function counts (output: string): Record<string, number> | undefined {
  const line = output.split('\n').reverse().find((l) => /^# \{ total: \d+/.test(l))
  if (!line) return undefined
  return Object.fromEntries([...line.matchAll(/(\w+): (\d+)/g)].map((m) => [m[1], Number(m[2])]))
}

function runFile (file: { path: string }, opts: RunOptions): Promise<FileResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', file.path], {
      env: { ...opts.env, TAP: '1', TAP_TIMEOUT: String(opts.timeoutSeconds) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    // A file's stderr (warnings, a crash's stack) goes with its output, as comments.
    const err: Buffer[] = []
    child.stderr.on('data', (c: Buffer) => err.push(c))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
    }, opts.killAfterSeconds * 1000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const stderr = Buffer.concat(err).toString('utf8').trimEnd()
      const output = Buffer.concat(out).toString('utf8') + (stderr ? stderr.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '')
      const c = counts(output) ?? { total: 1, fail: 1 }
      const reason = timedOut ? `stopped after ${opts.killAfterSeconds} s` : code !== 0 ? `exit ${code ?? signal}` : undefined
      resolve({ ok: !reason && !c.fail, counts: c, output, ms: performance.now() - started, reason })
    })
  })
}

export async function runFiles (opts: RunOptions): Promise<number> {
  const started = performance.now()
  const totals: Record<string, number> = { total: 0, pass: 0 }
  let n = 0
  let failed = 0
  opts.write('TAP version 14\n')
  const queue = [...opts.files]
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file, opts)
      n += 1
      if (!r.ok) failed += 1
      for (const [k, v] of Object.entries(r.counts)) totals[k] = (totals[k] ?? 0) + v
      const indented = r.output.trimEnd().split('\n').filter((l) => l !== 'TAP version 14').map((l) => (l ? `    ${l}` : l)).join('\n')
      opts.write(`# Subtest: ${file.name}\n${indented}\n${r.ok ? 'ok' : 'not ok'} ${n} - ${file.name}${r.reason ? ` (${r.reason})` : ''} # time=${r.ms.toFixed(0)}ms\n\n`)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker))
  opts.write(`1..${n}\n`)
  if (failed) opts.write(`# failed ${failed} of ${n} test files\n`)
  opts.write(`# { ${Object.entries(totals).map(([k, v]) => `${k}: ${v}`).join(', ')} }\n# time=${(performance.now() - started).toFixed(0)}ms\n`)
  return failed ? 1 : 0
}
