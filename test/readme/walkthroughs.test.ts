import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { projectFile } from '../../src/lib/project-files.js'
import { runningHerald } from '../running-herald.js'

// The README's walk-throughs, as a newcomer runs them: its own text (every ```sh block right
// after a `<!-- walkthrough` marker, in order), pasted into bash, with curl, against a Herald
// started on a random port; then once more on the same server, as someone trying it a second
// time would (issue 11 item 6: a second run used to answer 409 and go on with TOKEN=undefined).

const readme = readFileSync(projectFile('README.md'), 'utf8')

/** The marked shell blocks, joined: one session, as if pasted one after the other. */
export function walkthroughs (text: string): string[] {
  const blocks: string[] = []
  const re = /^<!-- walkthrough[^\n]*-->\n```sh\n([\s\S]*?)^```$/gm
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push(m[1])
  return blocks
}

interface Run { code: number | null, stdout: string, stderr: string }

async function bash (script: string, env: Record<string, string>, flags: string[]): Promise<Run> {
  return await new Promise((resolve, reject) => {
    const child = spawn('bash', [...flags, '-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += String(d) })
    child.stderr.on('data', (d) => { stderr += String(d) })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

t.test('the README walk-throughs run top to bottom, twice', async (t) => {
  const blocks = walkthroughs(readme)
  t.equal(blocks.length, 2, 'the quick start and the content walk-through are marked')
  t.match(blocks[0], /\/v1\/auth\/signup/)
  t.match(blocks[1], /\/v1\/auth\/invitations\/accept/, 'it shows inviting and accepting a member')
  const script = blocks.join('\n')
  const herald = await runningHerald(t)

  for (const run of [1, 2]) {
    // -e and pipefail: any step that fails (curl --fail-with-body on a 4xx/5xx, field on a
    // missing member) ends the run there, as it would stop a reader.
    const res = await bash(script, { HERALD: herald.base }, ['-eo', 'pipefail'])
    t.equal(res.code, 0, `run ${run} exits 0${res.code ? `: ${res.stderr.slice(-2000)}` : ''}`)
    t.notMatch(res.stdout + res.stderr, /undefined|HERALD_[A-Z_]+/, `run ${run}: no undefined value and no problem`)
    const lines = res.stdout.split('\n')
    t.ok(lines.includes('in_review'), `run ${run}: submitted`)
    t.ok(lines.includes('approved'), `run ${run}: approved by the invited manager`)
    t.ok(lines.includes('scheduled'), `run ${run}: scheduled`)
    t.equal(lines.filter(Boolean).at(-1), '2', `run ${run}: the incremental sync finds the post and the imported one`)
  }
})

t.test('a failed first step stops the walk-through instead of going on with an empty token', async (t) => {
  // Nothing listens on port 9 of 127.0.0.1. Without -e, as pasted into an interactive shell:
  // the README's own check ends it, naming what failed.
  const res = await bash(walkthroughs(readme)[0], { HERALD: 'http://127.0.0.1:9' }, [])
  t.not(res.code, 0)
  t.match(res.stderr, /sign-up failed/)
  t.equal(res.stdout, '', 'no later step ran')
})
