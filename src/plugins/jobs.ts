import { setMaxListeners } from 'node:events'
import fp from 'fastify-plugin'
import pg from 'pg'
import { sql } from 'drizzle-orm'
import { Logger, parseCronItems, run, type Runner, type Task, type TaskList } from 'graphile-worker'
import type { Database } from '../db/client.js'
import { deferrableTx } from '../db/tx.js'

// The job queue every kind of background work runs on (publishing, webhook deliveries, overdue
// scans, crisis timers): graphile-worker, in PostgreSQL itself (schema `graphile_worker`,
// installed by runMigrations under the migrations' lock). See README "Jobs".
//
// - Modules register typed task handlers in their plugin (`app.jobs.define`) and recurring ones
//   (`app.jobs.cron`); names and payloads are declared by augmenting `JobPayloads`.
// - `add` and `remove` go through SECURITY DEFINER functions (herald_add_job, herald_remove_job:
//   migrations/0010_job_queue_functions.sql), so a service adds or moves a job IN ITS OWN
//   tenant transaction as herald_app: the job commits with the change or not at all.
// - A job key names the one job of a thing (`publish:<itemId>`): adding again under the same
//   key replaces it (moves its run time and payload), removing deletes it; a job that is already
//   running loses its key and finishes, and its handler re-checks what it acts on.
// - The worker (HERALD_ROLE=worker|all) starts when the app is ready and stops first at close:
//   it takes no new job, lets running ones finish for up to `gracefulShutdownMs`, then aborts
//   them (their AbortSignal fires) and returns what did not finish to the queue.

/** Task names and their payloads; modules add theirs with `declare module`. */
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string

export interface JobInfo {
  id: string
  key: string | null
  attempts: number
  maxAttempts: number
  runAt: Date
  /** Fires when the worker is shutting down and the job should give up soon. */
  signal?: AbortSignal
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job: JobInfo) => Promise<void>

export interface AddJobOptions {
  /** One job per key: adding again replaces it (new run time and payload). */
  key?: string
  runAt?: Date
  /** Jobs of one queue run one at a time, in order. */
  queue?: string
  /** Default 5; a handler that throws is retried with exponential back-off until then. */
  maxAttempts?: number
  /** Lower runs first (default 0). */
  priority?: number
  /**
   * With `db`: queue the statement on the unit of work to travel with its next batch or its
   * COMMIT (no round trip of its own; its failure fails the work), for a caller that reads
   * nothing back. Over a plain client it simply runs now.
   */
  deferred?: boolean
}

export interface Jobs {
  /** Registers the handler of a task; call while the app registers (before it is ready). */
  define: <N extends JobName>(name: N, handler: JobHandler<N>) => void
  /** A recurring job (crontab syntax, UTC); each occurrence runs once across every worker. */
  cron: <N extends JobName>(name: N, pattern: string, payload: JobPayloads[N]) => void
  /** Adds (or, under an existing key, replaces) a job; in `db`'s transaction when given. */
  add: <N extends JobName>(name: N, payload: JobPayloads[N], opts?: AddJobOptions, db?: Database) => Promise<void>
  /**
   * Adds many jobs of one task in ONE statement in `db`'s transaction, riding with its next
   * batch or its COMMIT (as `deferred`): set-based work (a publishing batch's time-outs).
   */
  addMany: <N extends JobName>(name: N, list: ReadonlyArray<{ payload: JobPayloads[N], opts?: Omit<AddJobOptions, 'deferred'> }>, db: Database) => Promise<void>
  /** Removes the job with this key (a running one loses its key and is not retried). */
  remove: (key: string, db?: Database) => Promise<void>
  /** `remove` for many keys in ONE statement, riding with the transaction's next batch or COMMIT. */
  removeMany: (keys: readonly string[], db: Database) => Promise<void>
  /** Whether this process runs a worker (HERALD_ROLE worker or all). */
  readonly working: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: Jobs
  }
}

export interface JobsPluginOptions {
  databaseUrl: string
  /** Start a worker in this process. */
  work: boolean
  concurrency: number
  pollIntervalMs: number
  gracefulShutdownMs: number
}

export const DEFAULT_MAX_ATTEMPTS = 5

/** The error a job is failed with when the worker stops before it finished (it runs again). */
export class ReturnedAtShutdown extends Error {
  constructor () { super('the worker stopped before this job finished; returned to the queue') }
}

export default fp<JobsPluginOptions>(async (app, opts) => {
  const tasks: TaskList = {}
  const cronLines: Array<{ task: string, match: string, payload: unknown }> = []
  let runner: Runner | undefined
  let workerPool: pg.Pool | undefined
  let closing = false

  const addSql = (name: string, payload: unknown, o: AddJobOptions) =>
    sql`SELECT herald_add_job(${name}, ${JSON.stringify(payload ?? {})}::json, ${o.queue ?? null}, ${o.runAt?.toISOString() ?? null}::timestamptz, ${o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}, ${o.key ?? null}, ${o.priority ?? 0})`

  const ADD_JOB_SQL = 'SELECT herald_add_job($1, $2::json, $3, $4::timestamptz, $5, $6, $7)'
  const addParams = (name: string, payload: unknown, o: AddJobOptions) =>
    [name, JSON.stringify(payload ?? {}), o.queue ?? null, o.runAt?.toISOString() ?? null, o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, o.key ?? null, o.priority ?? 0]

  const jobs: Jobs = {
    working: opts.work,
    define (name, handler) {
      if (runner) throw new Error(`job task ${name} defined after the worker started`)
      if (tasks[name]) throw new Error(`job task ${name} is defined twice`)
      const task: Task = async (payload, helpers) => {
        const j = helpers.job
        const running = handler(payload as JobPayloads[typeof name], {
          id: j.id,
          key: j.key,
          attempts: j.attempts,
          maxAttempts: j.max_attempts,
          runAt: new Date(j.run_at),
          signal: helpers.abortSignal
        })
        const signal = helpers.abortSignal
        if (!signal) return await running
        // At shutdown, a job still running when the grace period ends is given back: it counts
        // as a failed attempt, so the queue runs it again (on another worker) after a back-off.
        // Its handler may still be running; whatever it commits later is re-checked by the
        // next run (handlers are written to be run twice).
        // One listener per running job on the pool's shared signal: more than Node's default 10.
        setMaxListeners(opts.concurrency + 10, signal)
        let onAbort: (() => void) | undefined
        const aborted = new Promise<never>((_resolve, reject) => {
          onAbort = () => reject(new ReturnedAtShutdown())
          if (signal.aborted) onAbort()
          else signal.addEventListener('abort', onAbort, { once: true })
        })
        try {
          await Promise.race([running, aborted])
        } finally {
          if (onAbort) signal.removeEventListener('abort', onAbort)
          running.catch(() => {})
          aborted.catch(() => {})
        }
      }
      tasks[name] = task
    },
    cron (name, pattern, payload) {
      cronLines.push({ task: name, match: pattern, payload })
    },
    async add (name, payload, o = {}, db) {
      const tx = o.deferred ? deferrableTx(db) : undefined
      if (tx) tx.defer(ADD_JOB_SQL, addParams(name, payload, o), { prepare: true })
      else if (db) await db.execute(addSql(name, payload, o))
      else await app.pool.query(ADD_JOB_SQL, addParams(name, payload, o))
    },
    async addMany (name, list, db) {
      if (list.length === 0) return
      const rows = list.map(({ payload, opts: o = {} }) => ({ payload: payload ?? {}, queue: o.queue ?? null, run_at: o.runAt?.toISOString() ?? null, max_attempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, key: o.key ?? null, priority: o.priority ?? 0 }))
      const text = `SELECT herald_add_job($1, j.payload, j.queue, j.run_at, j.max_attempts, j.key, j.priority)
        FROM json_to_recordset($2::json) AS j(payload json, queue text, run_at timestamptz, max_attempts integer, key text, priority integer)`
      const tx = deferrableTx(db)
      if (tx) tx.defer(text, [name, JSON.stringify(rows)], { prepare: true })
      else {
        await db.execute(sql`SELECT herald_add_job(${name}, j.payload, j.queue, j.run_at, j.max_attempts, j.key, j.priority)
        FROM json_to_recordset(${JSON.stringify(rows)}::json) AS j(payload json, queue text, run_at timestamptz, max_attempts integer, key text, priority integer)`)
      }
    },
    async removeMany (keys, db) {
      if (keys.length === 0) return
      const tx = deferrableTx(db)
      if (tx) tx.defer('SELECT herald_remove_job(k) FROM unnest($1::text[]) AS k', [[...keys]], { prepare: true })
      else await db.execute(sql`SELECT herald_remove_job(k) FROM unnest(${sql.param([...keys])}::text[]) AS k`)
    },
    async remove (key, db) {
      if (db) await db.execute(sql`SELECT herald_remove_job(${key})`)
      else await app.pool.query('SELECT herald_remove_job($1)', [key])
    }
  }
  app.decorate('jobs', jobs)

  if (!opts.work) return

  // graphile-worker logs through the app's logger (its "debug" is very chatty: trace here).
  const logger = new Logger((scope) => (level, message, meta) => {
    const line = { ...scope, ...meta }
    if (level === 'error') app.log.error(line, message)
    else if (level === 'warning') app.log.warn(line, message)
    else if (level === 'info') app.log.info(line, message)
    else app.log.trace(line, message)
  })

  app.addHook('onReady', async () => {
    // Its own pool: the worker holds one connection for LISTEN and one per running job's
    // bookkeeping, which must never wait behind requests (and vice versa).
    workerPool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.concurrency + 2, idleTimeoutMillis: 30_000 })
    const lost = (err: Error & { code?: string }) => { if (!closing) app.log.warn({ error: err.message, code: err.code }, 'job queue connection lost') }
    workerPool.on('error', lost)
    // A checked-out connection whose server goes away must not crash the process either.
    workerPool.on('connect', (client) => { client.on('error', lost) })
    runner = await run({
      pgPool: workerPool,
      taskList: tasks,
      parsedCronItems: parseCronItems(cronLines.map((c) => ({ task: c.task, match: c.match, payload: c.payload as Record<string, unknown>, options: { backfillPeriod: 0, maxAttempts: 1 } }))),
      concurrency: opts.concurrency,
      pollInterval: opts.pollIntervalMs,
      noHandleSignals: true,
      gracefulShutdownAbortTimeout: opts.gracefulShutdownMs,
      logger,
      // Fewer round trips per job when many are due (webhook deliveries come in bursts): the
      // worker locks and fetches up to `concurrency` due jobs in one statement and hands them
      // out locally, and completions (failures) that end together are written in one
      // statement. A job fetched but not started is locked like a running one: returned at a
      // clean stop, freed by the 4-hour sweep after a crash.
      preset: { worker: { localQueue: { size: opts.concurrency }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } }
    })
    runner.promise.catch((err) => app.log.error({ err }, 'job worker stopped with an error'))
  })

  // Registered before the modules, so (onClose runs in reverse) it runs after theirs and before
  // the db plugin's: the pool is still open while running jobs finish.
  app.addHook('onClose', async () => {
    closing = true
    if (runner) {
      await runner.stop('Herald is shutting down').catch((err) => app.log.error({ err }, 'job worker did not stop cleanly'))
      runner = undefined
    }
    if (workerPool) {
      // graphile-worker writes a job's outcome (done, failed, returned) without awaiting it
      // before its shutdown resolves: let those last statements finish before the pool ends,
      // or a finished job would stay locked.
      const deadline = Date.now() + 5_000
      const pool = workerPool
      await new Promise((resolve) => setImmediate(resolve))
      while (Date.now() < deadline && (pool.waitingCount > 0 || pool.totalCount > pool.idleCount)) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      await pool.end()
    }
  })
}, { name: 'jobs', dependencies: ['db'] })
