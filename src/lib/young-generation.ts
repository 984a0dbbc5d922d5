import v8 from 'node:v8'
import { PerformanceObserver, constants } from 'node:perf_hooks'

// V8's young generation (the new space, where a request's short-lived objects are born) is
// allowed to grow to `--max-semi-space-size` (32 MiB semi-spaces in every way Herald is
// started): under load that keeps the scavenger to a quarter of the nested query's CPU, against
// 37 % with V8's default 16 MiB (README, design notes). But V8 grows it whenever the objects
// that survive a scavenge add up to its size, and start-up, which builds objects that live for
// ever (modules, schemas, routes, prepared statements), made it reach its maximum before the
// first request and keep it committed: some 30 MiB of an idle server's memory, given back only
// when V8's memory reducer runs, 20 s or more later. So the young generation is held at its
// initial size while Herald starts, and may grow again, at once to its maximum, when the
// scavenger shows load: at least `MINOR_GCS_A_SECOND` scavenges within one second (with a
// 1 MiB semi-space, ~10 MiB a second allocated; an idle server, its job queue polling, does
// far fewer). The memory reducer shrinks it again when load ends, as before.

/** Scavenges within one second that mean the server is under load. */
export const MINOR_GCS_A_SECOND = 10

/** Called first, before any other module loads: the young generation stays at its initial size. */
export function holdYoungGeneration (): void {
  // A growth factor of 1 keeps the size at each growth check. The command line clamps the
  // factor to 2 or more; a flag set at run time is read as is, at the next check.
  v8.setFlagsFromString('--semi-space-growth-factor=1')
}

/**
 * Called once start-up is over: watches the scavenges, and on the first second with
 * `minorGcsASecond` of them lets the young generation grow, straight to its maximum (the growth
 * factor caps at `--max-semi-space-size`), then stops watching. `onGrow` is told when.
 */
export function growYoungGenerationUnderLoad (onGrow?: () => void, minorGcsASecond = MINOR_GCS_A_SECOND): void {
  // The times of the last `minorGcsASecond` scavenges, as a ring.
  const times = new Float64Array(minorGcsASecond).fill(-Infinity)
  let next = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR) continue
      const oldest = times[next]
      times[next] = entry.startTime
      next = (next + 1) % minorGcsASecond
      if (entry.startTime - oldest < 1000) {
        observer.disconnect()
        v8.setFlagsFromString('--semi-space-growth-factor=64')
        onGrow?.()
        return
      }
    }
  })
  observer.observe({ entryTypes: ['gc'] })
}
