// Coalesces the statements of concurrent deliveries: every attempt running in this worker asks
// for its delivery (one read) and later settles it (one write); requests that arrive within a
// few milliseconds of each other for the same organization travel as ONE statement in one
// tenant transaction, and each caller gets its own answer. A caller's promise settles only
// when its batch committed (or failed: then every caller of that batch gets the error, and its
// job is retried), so batching changes no guarantee, only the number of round trips.

export interface BatcherOptions {
  /** How long the first request of a batch waits for others (ms). */
  delayMs: number
  /** A batch is sent at once when it holds this many. */
  maxSize: number
}

interface Waiting<I, O> { item: I, resolve: (o: O) => void, reject: (e: unknown) => void }

/**
 * `run(key, items)` answers one output per item, in order. Requests under different keys never
 * share a batch (a key is an organization: one tenant transaction each).
 */
export function createBatcher<I, O> (run: (key: string, items: I[]) => Promise<O[]>, opts: BatcherOptions) {
  const pending = new Map<string, { waiting: Array<Waiting<I, O>>, timer: NodeJS.Timeout }>()

  function flush (key: string): void {
    const batch = pending.get(key)
    if (!batch) return
    pending.delete(key)
    clearTimeout(batch.timer)
    const { waiting } = batch
    run(key, waiting.map((w) => w.item)).then((outs) => {
      if (outs.length !== waiting.length) throw new Error(`a batch of ${waiting.length} answered ${outs.length}`)
      waiting.forEach((w, i) => { w.resolve(outs[i]) })
    }).catch((err: unknown) => { for (const w of waiting) w.reject(err) })
  }

  return async (key: string, item: I): Promise<O> => await new Promise<O>((resolve, reject) => {
    let batch = pending.get(key)
    if (!batch) {
      batch = { waiting: [], timer: setTimeout(() => { flush(key) }, opts.delayMs) }
      pending.set(key, batch)
    }
    batch.waiting.push({ item, resolve, reject })
    if (batch.waiting.length >= opts.maxSize) flush(key)
  })
}
