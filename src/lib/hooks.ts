// Extension points of one kind, for every module: a module that owns an action offers hooks
// named `before<Action>` (may refuse by throwing) and `after<Action>` (may add work), and other
// modules register handlers on them. Handlers run in the order registered, awaited one after
// another, inside the caller's transaction: a throw anywhere rolls the whole change back.

export type HookHandler<A extends unknown[]> = (...args: A) => Promise<void>

export class Hook<A extends unknown[]> {
  protected readonly handlers: Array<HookHandler<A>> = []

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

/**
 * The set-based form of a check handler: the same rules for many subjects at once (a publishing
 * batch), answering the refusal of each subject it refuses (by id); the ones absent pass.
 */
export type ManyCheck<C, S extends { id: string }, I> = (ctx: C, subjects: ReadonlyArray<{ subject: S, info: I }>) => Promise<Map<string, unknown>>

/**
 * A veto hook (see runChecks) whose handlers may also give a set-based form, for callers that
 * move many subjects in one statement: `runChecksMany` asks each handler once for all of them
 * (a handler without a set-based form is asked per subject, all at once), and answers, per
 * subject, the first refusal in the order registered — what runChecks would have thrown for it.
 */
export class CheckHook<C, S extends { id: string }, I> extends Hook<[C, S, I]> {
  private readonly many = new Map<HookHandler<[C, S, I]>, ManyCheck<C, S, I>>()

  register (handler: HookHandler<[C, S, I]>, many?: ManyCheck<C, S, I>): () => void {
    const off = super.register(handler)
    if (many) this.many.set(handler, many)
    return () => { off(); this.many.delete(handler) }
  }

  async runChecksMany (ctx: C, subjects: ReadonlyArray<{ subject: S, info: I }>): Promise<Map<string, unknown>> {
    const refusals = new Map<string, unknown>()
    if (subjects.length === 0 || this.handlers.length === 0) return refusals
    const answers = await Promise.all(this.handlers.map(async (handler) => {
      const many = this.many.get(handler)
      if (many) return await many(ctx, subjects)
      const settled = await Promise.allSettled(subjects.map(async ({ subject, info }) => { await handler(ctx, subject, info) }))
      const out = new Map<string, unknown>()
      settled.forEach((s, i) => { if (s.status === 'rejected') out.set(subjects[i].subject.id, s.reason) })
      return out
    }))
    for (const { subject } of subjects) {
      for (const answer of answers) {
        if (answer.has(subject.id)) { refusals.set(subject.id, answer.get(subject.id)); break }
      }
    }
    return refusals
  }
}

/**
 * An after-hook whose handlers may also give a set-based form, for callers that act on many
 * subjects at once: `runMany` calls each handler's set-based form once with all of them, or
 * the handler per subject, in order, without one.
 */
export class ManyHook<C, S> extends Hook<[C, S]> {
  private readonly many = new Map<HookHandler<[C, S]>, (ctx: C, subjects: readonly S[]) => Promise<void>>()

  register (handler: HookHandler<[C, S]>, many?: (ctx: C, subjects: readonly S[]) => Promise<void>): () => void {
    const off = super.register(handler)
    if (many) this.many.set(handler, many)
    return () => { off(); this.many.delete(handler) }
  }

  async runMany (ctx: C, subjects: readonly S[]): Promise<void> {
    if (subjects.length === 0) return
    for (const handler of this.handlers) {
      const many = this.many.get(handler)
      if (many) await many(ctx, subjects)
      else for (const subject of subjects) await handler(ctx, subject)
    }
  }
}
