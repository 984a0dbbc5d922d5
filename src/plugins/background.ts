import { randomUUID } from 'node:crypto'
import fp from 'fastify-plugin'
import type { Tx } from '../db/tx.js'
import { systemActor } from '../lib/actor.js'
import type { Ctx } from '../lib/context.js'

// Work outside a request (jobs: src/plugins/jobs.ts, which run scans, publishing, deliveries) runs as
// the system actor through the same service methods as a person, so its rules and its events
// are the same. Two doors:
// - inTenant(orgId, label, fn): a tenant transaction (RLS applies, as for a request) and a
//   service context whose actor is the system, labelled with what it is doing;
// - scan(fn): as herald_system, which may only *find* background work across organizations
//   (the columns it may read are granted in the migrations), never change it.
// Timers are not kept here: recurring work is a cron job on the queue (app.jobs.cron).

export interface Background {
  inTenant: <T>(orgId: string, label: string, fn: (ctx: Ctx) => Promise<T>) => Promise<T>
  scan: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>
}

declare module 'fastify' {
  interface FastifyInstance {
    background: Background
  }
}

export default fp(async (app) => {
  const background: Background = {
    inTenant: async (orgId, label, fn) =>
      await app.withTenant(orgId, async (tx) => await fn({ actor: systemActor(orgId, label), db: tx.db, requestId: `system:${randomUUID()}` })),

    scan: async (fn) => await app.withSystemScan(fn)
  }
  app.decorate('background', background)
}, { name: 'background', dependencies: ['db'] })
