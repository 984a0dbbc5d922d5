// `npm run bench`: every benchmark, each in its own process (one's load or crash cannot skew or
// stop the next), one after the other so they never compete for the 2 cores. Each prints its
// own lines and exits 1 when a target is missed; this runner reports all of them and fails if
// any failed. `BENCH_ONLY=request-path,metrics` runs a subset.
import { spawn } from 'node:child_process'
import path from 'node:path'

const BENCHES: Array<{ name: string, file: string, what: string }> = [
  { name: 'request-path', file: 'request-path-main.ts', what: 'Herald against a hand-written Fastify + pg server: list, get, create, nested GraphQL (ratios), memory, ready time' },
  { name: 'api', file: 'run.ts', what: 'hot API paths against absolute floors, and publishing hand-over' },
  { name: 'metrics', file: 'metrics.ts', what: '10 million points: ingestion, reports, the engine against a hand-written SQL' },
  { name: 'webhooks', file: 'webhooks.ts', what: 'webhook deliveries per second from one worker to a local receiver, and commit→delivery p50/p99' }
]

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean)
const results: Array<{ name: string, code: number | null }> = []
for (const b of BENCHES.filter((x) => only === undefined || only.includes(x.name))) {
  console.log(`\n=== ${b.name}: ${b.what}`)
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, b.file)], { stdio: 'inherit' })
    child.on('exit', (c) => resolve(c))
  })
  results.push({ name: b.name, code })
}
console.log('\n=== summary')
for (const r of results) console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.name}${r.code === 0 ? '' : ` (exit ${r.code})`}`)
process.exit(results.every((r) => r.code === 0) ? 0 : 1)
