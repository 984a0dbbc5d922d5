import { bigint, index, integer, pgSchema, primaryKey, text, varchar } from 'drizzle-orm/pg-core'

// Counters of the rate limiter and of failed sign-ins, shared by every instance. Not tenant
// data: they live in a schema of their own, which the request roles (herald_app, herald_auth,
// herald_system) cannot even see; only herald_limiter may touch them (see the migration that
// creates that role). Requests never read them: each instance counts locally and reconciles
// through rate_counts in the background (src/lib/shared-budgets.ts).
export const limits = pgSchema('herald_limits')

/** Requests counted per key (a credential, or a client address) per fixed window. */
export const rateCounts = limits.table('rate_counts', {
  key: text().notNull(),
  /** Start of the window, in milliseconds since the epoch. */
  windowStart: bigint({ mode: 'number' }).notNull(),
  count: integer().notNull()
}, (t) => [
  primaryKey({ columns: [t.key, t.windowStart] }),
  // Old windows are deleted by range.
  index('rate_counts_window_idx').on(t.windowStart)
])

/**
 * Failed sign-ins, in the layout rate-limiter-flexible's RateLimiterPostgres reads and writes
 * (key, points, expire in epoch milliseconds). Keys are hashes: no email or address is stored.
 */
export const loginFailures = limits.table('login_failures', {
  key: varchar({ length: 255 }).primaryKey(),
  points: integer().notNull().default(0),
  expire: bigint({ mode: 'number' })
})
