import { integer, timestamp, uuid } from 'drizzle-orm/pg-core'

// Millisecond precision: JS Dates carry milliseconds, so keyset cursors round-trip exactly.
export const instant = (name?: string) => name
  ? timestamp(name, { withTimezone: true, precision: 3, mode: 'date' })
  : timestamp({ withTimezone: true, precision: 3, mode: 'date' })

export const id = () => uuid().primaryKey().defaultRandom()

export const createdAt = () => instant().notNull().defaultNow()
export const updatedAt = () => instant().notNull().defaultNow()

/** Optimistic-concurrency version: starts at 1, every update adds 1 (ETag / If-Match). */
export const version = () => integer().notNull().default(1)
