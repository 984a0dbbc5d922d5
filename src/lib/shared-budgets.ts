import type pg from 'pg'

// Request budgets shared by every instance, without a database round trip on the request path.
//
// Counting: a sliding window approximated from two fixed ones (the current window's count plus
// the previous one's, weighted by how much of it still overlaps the last `windowMs`), so that
// a client cannot spend two budgets across a window boundary, and a window ending does not
// hand everyone a fresh budget at once. Windows are aligned on the epoch: every instance agrees
// on them without talking.
//
// Sharing: each instance admits a request against the last count it knows for the whole
// cluster plus what it admitted itself since; in the background it adds its own counts to
// PostgreSQL and reads back the totals (one statement for every key it saw, at most one in
// flight), every `syncMs`, and at once when a key has gathered `syncEvery` unsent requests
// (2% of its budget, at least 1).
//
// The price is slack: another instance's requests are seen only once it has sent them and this
// instance has read them back. An instance holds at most 2 × syncEvery of a key's requests
// unseen by the others (beyond that a request waits for the sync in flight, see take), and
// between two of its own syncs admits fewer than syncEvery on a stale total; so a key may be
// over-admitted by about 3 × syncEvery per instance: 6% of the budget, at least 3 requests
// (more only if a sync takes longer than WAIT_MS). The weighting rounds the previous
// window's share up, so a request may be refused at most one request's worth early.

export interface Admission {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until the current window ends (RateLimit-Reset). */
  resetSeconds: number
  /** Seconds until a request would be admitted again, if nothing else is sent (Retry-After). */
  retryAfterSeconds: number
}

interface Count {
  key: string
  window: number
  /** The cluster-wide count as last read back (this instance's sent requests included). */
  known: number
  /** Requests admitted here and not yet sent. */
  pending: number
  /** Its total should be read back at the next sync. */
  dirty: boolean
}

export interface SharedBudgetsOptions {
  pool: pg.Pool
  windowMs: number
  syncMs: number
  /** Called once when syncing starts failing, and once when it works again. */
  onSyncTrouble?: (err: Error | null) => void
  now?: () => number
}

/** Keys sent per statement (a flood of addresses is sent a chunk at a time). */
const CHUNK = 1000
/** The longest a request waits for a sync in flight (see take). */
const WAIT_MS = 50
/** Unsent requests of a key that start a sync at once: 2% of its budget, at least 1. */
const syncEvery = (max: number) => Math.max(1, Math.floor(max / 50))

// A delta may be negative (a request given back after it was sent), so counts are added as
// they come and only read back no lower than zero.
const SYNC_SQL = `
WITH d AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[]) AS d(key, window_start, delta)
), added AS (
  INSERT INTO herald_limits.rate_counts AS c (key, window_start, count)
  SELECT key, window_start, delta FROM d WHERE delta <> 0
  ORDER BY key, window_start
  ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + excluded.count
  RETURNING c.key, c.window_start, c.count
)
SELECT key, window_start, greatest(count, 0) AS count FROM added
UNION ALL
SELECT c.key, c.window_start, greatest(c.count, 0) FROM herald_limits.rate_counts c JOIN d USING (key, window_start) WHERE d.delta = 0`

export class SharedBudgets {
  private readonly counts = new Map<string, Count>()
  private readonly now: () => number
  private timer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | undefined
  private again = false
  private troubled = false
  private lastPurge = 0

  constructor (private readonly opts: SharedBudgetsOptions) {
    this.now = opts.now ?? Date.now
  }

  private windowOf (now: number): number {
    return Math.floor(now / this.opts.windowMs) * this.opts.windowMs
  }

  private count (key: string, window: number): Count {
    const id = `${window}\n${key}`
    let c = this.counts.get(id)
    if (!c) {
      // New here: read its total back at the next sync (another instance may have counted it).
      c = { key, window, known: 0, pending: 0, dirty: true }
      this.counts.set(id, c)
    }
    return c
  }

  private assess (key: string, max: number, now: number): { cur: Count, admission: Admission } {
    const { windowMs } = this.opts
    const window = this.windowOf(now)
    const cur = this.count(key, window)
    const prev = this.count(key, window - windowMs)
    const elapsed = (now - window) / windowMs
    const p = prev.known + prev.pending
    const c = cur.known + cur.pending
    const used = Math.ceil(p * (1 - elapsed)) + c
    const resetSeconds = Math.max(1, Math.ceil((window + windowMs - now) / 1000))
    // When would ceil(p' * (1 - f)) + c' < max hold, with nothing more sent?
    let retryAt: number
    if (c >= max) {
      // Not in this window: in the next one, this window is the previous (p' = c, c' = 0).
      retryAt = window + windowMs + windowMs * Math.max(0, 1 - (max - 1) / c)
    } else {
      retryAt = p > 0 ? window + windowMs * Math.max(0, 1 - (max - c - 1) / p) : now
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now) / 1000))
    return { cur, admission: { allowed: used < max, limit: max, remaining: Math.max(0, max - used - 1), resetSeconds, retryAfterSeconds } }
  }

  /**
   * Admits one request for key if the budget allows, counting it. Never a database round trip
   * of its own: a request waits only when this instance already holds `2 × syncEvery` of the
   * key's requests that the cluster has not seen (a client far faster than a sync), and then
   * only for the sync in flight, at most WAIT_MS; while PostgreSQL cannot be reached, not at all.
   */
  async take (key: string, max: number): Promise<Admission> {
    const every = syncEvery(max)
    for (let waited = false; ;) {
      const { cur, admission } = this.assess(key, max, this.now())
      if (!admission.allowed) return { ...admission, remaining: 0 }
      if (!waited && cur.pending >= 2 * every && !this.troubled) {
        waited = true
        this.syncSoon()
        await Promise.race([this.syncing?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, WAIT_MS).unref())])
        continue
      }
      cur.pending++
      cur.dirty = true
      if (cur.pending >= every) this.syncSoon()
      return admission
    }
  }

  /** Whether key has budget left, without counting anything. */
  peek (key: string, max: number): Admission {
    return this.assess(key, max, this.now()).admission
  }

  /** Gives back one request taken for key (it turned out not to count against this budget). */
  give (key: string): void {
    const c = this.count(key, this.windowOf(this.now()))
    c.pending--
    c.dirty = true
  }

  start (): void {
    this.timer = setInterval(() => { this.syncSoon() }, this.opts.syncMs)
    this.timer.unref()
  }

  /** Stops the timer and sends what is still unsent. */
  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.sync().catch(() => {})
  }

  private syncSoon (): void {
    if (this.syncing) {
      this.again = true
      return
    }
    this.run().catch(() => {})
  }

  /** One sync at a time: two at once would both send the same unsent counts. */
  private run (): Promise<void> {
    const p: Promise<void> = this.syncOnce().finally(() => {
      if (this.syncing === p) this.syncing = undefined
      if (this.again) {
        this.again = false
        this.syncSoon()
      }
    })
    this.syncing = p
    return p
  }

  /** Sends unsent counts and reads back the totals of every count touched since the last sync. */
  async sync (): Promise<void> {
    while (this.syncing) await this.syncing.catch(() => {})
    await this.run()
  }

  private async syncOnce (): Promise<void> {
    const now = this.now()
    const oldest = this.windowOf(now) - this.opts.windowMs
    const batch: Count[] = []
    for (const [id, c] of this.counts) {
      // Older than the previous window: it no longer decides anything.
      if (c.window < oldest) this.counts.delete(id)
      else if (c.dirty || c.pending !== 0) batch.push(c)
    }
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.window - b.window))
    const sent = new Map<Count, number>()
    try {
      for (let i = 0; i < batch.length; i += CHUNK) {
        const chunk = batch.slice(i, i + CHUNK)
        for (const c of chunk) {
          c.dirty = false
          sent.set(c, c.pending)
        }
        const { rows } = await this.opts.pool.query<{ key: string, window_start: string, count: number }>(SYNC_SQL, [
          chunk.map((c) => c.key), chunk.map((c) => c.window), chunk.map((c) => sent.get(c))
        ])
        // Sent: what was admitted while the statement ran stays pending for the next sync.
        for (const c of chunk) c.pending -= sent.get(c)!
        sent.clear()
        for (const r of rows) {
          const c = this.counts.get(`${r.window_start}\n${r.key}`)
          if (c) c.known = r.count
        }
      }
      if (now - this.lastPurge > this.opts.windowMs) {
        this.lastPurge = now
        await this.opts.pool.query('DELETE FROM herald_limits.rate_counts WHERE window_start < $1', [oldest])
      }
      if (this.troubled) {
        this.troubled = false
        this.opts.onSyncTrouble?.(null)
      }
    } catch (err) {
      // Counting goes on locally; what was not sent is sent by a later sync.
      for (const c of batch) c.dirty = true
      if (!this.troubled) {
        this.troubled = true
        this.opts.onSyncTrouble?.(err as Error)
      }
      throw err
    }
  }
}
