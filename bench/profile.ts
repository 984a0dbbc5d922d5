// Profiles one workload in-process: `npx tsx bench/profile.ts nested 300` writes a CPU profile
// (node --cpu-prof) of 300 requests after a warm-up, on a fresh database seeded like the bench.
import { inProcess } from './in-process.js'

const { app, token, request, close } = await inProcess('herald_prof')
const which = process.argv[2] ?? 'nested'
const n = Number(process.argv[3] ?? 200)
const run = async (count: number, off: number) => {
  const t0 = performance.now()
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: 10 }, async (_, j) => {
      const r = await app.inject({ ...request(which, off + i + j), headers: { authorization: `Bearer ${token}` } })
      if (r.statusCode >= 300) throw new Error(r.body)
    }))
  }
  return (performance.now() - t0) / count
}
await run(50, 0)
const { Session } = await import('node:inspector/promises')
const session2 = new Session(); session2.connect()
const heap = process.env.HEAP === '1'
// NOPROF=1: no profiler, only the CPU per request (to compare two versions of the code).
const noProf = process.env.NOPROF === '1'
if (noProf) { /* measure only */ } else if (heap) { await session2.post('HeapProfiler.enable'); await session2.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }) } else { await session2.post('Profiler.enable'); await session2.post('Profiler.start') }
const cpu0 = process.cpuUsage()
const ms = await run(n, 100000)
const cpu = process.cpuUsage(cpu0)
const { profile } = noProf ? { profile: null } : heap ? await session2.post('HeapProfiler.stopSampling') as any : await session2.post('Profiler.stop')
if (heap) { const { writeFileSync } = await import('node:fs'); writeFileSync(`/tmp/heap-${which}.json`, JSON.stringify(profile)) }
const { writeFileSync } = await import('node:fs')
if (!noProf && !heap) writeFileSync(`/tmp/prof-${which}.cpuprofile`, JSON.stringify(profile))
console.log(which, ms.toFixed(2), 'ms/request,', ((cpu.user + cpu.system) / 1000 / n).toFixed(3), `ms CPU/request (this process${noProf ? '' : ', profiler on'})`)
await close()
