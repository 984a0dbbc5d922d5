// Extension points of one kind, for every module: a module that owns an action offers hooks
// named `before<Action>` (may refuse by throwing) and `after<Action>` (may add work), and other
// modules register handlers on them. Handlers run in the order registered, awaited one after
// another, inside the caller's transaction: a throw anywhere rolls the whole change back.

export type HookHandler<A extends unknown[]> = (...args: A) => Promise<void>

export class Hook<A extends unknown[]> {
  private readonly handlers: Array<HookHandler<A>> = []

  /** Adds a handler (modules register theirs when their plugin loads); returns its removal. */
  register (handler: HookHandler<A>): () => void {
    this.handlers.push(handler)
    return () => {
      const i = this.handlers.indexOf(handler)
      if (i >= 0) this.handlers.splice(i, 1)
    }
  }

  /** Whether anything is registered (to skip preparing arguments nobody reads). */
  get isEmpty (): boolean {
    return this.handlers.length === 0
  }

  async run (...args: A): Promise<void> {
    for (const handler of this.handlers) await handler(...args)
  }

  /**
   * For veto hooks whose handlers only read and may throw to refuse (beforeTransition): every
   * handler starts at once, so their reads travel in one round trip of the transaction; when
   * all have answered, the first refusal in the order registered is thrown, as `run` would.
   */
  async runChecks (...args: A): Promise<void> {
    const settled = await Promise.allSettled(this.handlers.map(async (handler) => { await handler(...args) }))
    for (const s of settled) if (s.status === 'rejected') throw s.reason
  }
}
