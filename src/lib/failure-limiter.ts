// Counts failed sign-ins per key (an email, an address) in a fixed window. @fastify/rate-limit
// counts every request; here only failures count, so a person who types the right password is
// never locked out by their own successful sign-ins. In-memory: the limit is per instance.

export class FailureLimiter {
  private readonly hits = new Map<string, { count: number, resetAt: number }>()

  constructor (private readonly max: number, private readonly windowMs: number, private readonly capacity = 100_000) {}

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter (key: string, now = Date.now()): number {
    const e = this.hits.get(key)
    if (!e || e.resetAt <= now) return 0
    return e.count >= this.max ? Math.ceil((e.resetAt - now) / 1000) : 0
  }

  fail (key: string, now = Date.now()): void {
    const e = this.hits.get(key)
    if (!e || e.resetAt <= now) {
      if (this.hits.size >= this.capacity) this.hits.delete(this.hits.keys().next().value as string)
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs })
    } else {
      e.count++
    }
  }

  reset (key: string): void { this.hits.delete(key) }
}
