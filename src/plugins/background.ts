import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { Tx } from '../db/tx.js'
import { systemActor } from '../lib/actor.js'
import type { Ctx } from '../lib/context.js'

// Work outside a request (scans today; jobs, webhook delivery and crisis timers next) runs as
// the system actor through the same service methods as a person, so its rules and its events
// are the same. Two doors:
// - inTenant(orgId, label, fn): a tenant transaction (RLS applies, as for a request) and a
//   service context whose actor is the system, labelled with what it is doing;
// - scan(fn): as herald_system, which may only *find* background work across organizations
//   (the columns it may read are granted in the migrations), never change it.
// `every` runs a task on an interval until the app closes, never overlapping itself.

export interface Background {
  inTenant: <T>(orgId: string, label: string, fn: (ctx: Ctx) => Promise<T>) => Promise<T>
  scan: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
  every: (name: string, intervalMs: number, task: () => Promise<unknown>) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    background: Background
  }
}

export default fp(async (app) => {
  const timers = new Map<string, { timer: NodeJS.Timeout, running: Promise<unknown> | null }>()

  const background: Background = {
    inTenant: async (orgId, label, fn) =>
      await app.withTenant(orgId, async (tx) => await fn({ actor: systemActor(orgId, label), db: tx.db, requestId: `system:${randomUUID()}` })),

    scan: async (fn) => await app.withSystemScan(fn),

    every (name, intervalMs, task) {
      if (timers.has(name) || intervalMs <= 0) return
      const entry: { timer: NodeJS.Timeout, running: Promise<unknown> | null } = { timer: undefined as unknown as NodeJS.Timeout, running: null }
      entry.timer = setInterval(() => {
        if (entry.running) return
        entry.running = task().catch((err) => app.log.error({ err, task: name }, 'background task failed')).finally(() => { entry.running = null })
      }, intervalMs)
      // The timer never keeps the process alive.
      entry.timer.unref()
      timers.set(name, entry)
    }
  }
  app.decorate('background', background)

  // Before the pool closes (the db plugin's onClose runs last): no task outlives the app.
  app.addHook('onClose', async () => {
    for (const entry of timers.values()) clearInterval(entry.timer)
    await Promise.all([...timers.values()].map(async (e) => await e.running))
    timers.clear()
  })
}, { name: 'background', dependencies: ['db'] })
