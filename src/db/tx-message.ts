import type pg from 'pg'
import { statementName, type QueryObserver, type RoundTripObserver } from './client.js'
import { inlineParams } from './inline-params.js'
import type { Preparing } from './preparing.js'
import { settingsSql, type DbRole } from './statements.js'

// What a unit of work (tx.ts) is given, what it queues, and how a batch of it becomes the
// statements of ONE message: the settings and BEGIN first when the work starts, the PREPAREs
// the message makes, the credential's guard, the deferred writes, then the batch itself.

/** A statement sent with the transaction's first batch that must return a row, or the request is refused. */
export interface Guard {
  /** With `values`, its $n parameters' values: it then runs as a prepared statement. */
  sql: string
  values?: readonly unknown[]
  /** The error when the statement returns no row (the credential no longer stands). */
  refused: () => Error
}

export interface TxOptions {
  role: DbRole
  orgId?: string
  statementTimeoutMs: number
  observe?: QueryObserver
  observeRoundTrip?: RoundTripObserver
  /**
   * Reads only (GET, HEAD): no explicit transaction at all. Every batch is one implicit
   * transaction carrying the role and tenant settings, and no connection is held between
   * batches. Under READ COMMITTED each statement sees its own snapshot either way.
   */
  readOnly?: boolean
  guard?: Guard
  /** Server-side prepared statements (see Preparing); false: every statement inlined. Default true. */
  prepare?: boolean
}

export interface QueryConfigLike { text: string, values?: unknown[], rowMode?: 'array', types?: unknown, name?: string, prepareAs?: string }

/** A deferred write: prepared (see Preparing) when its text is the same on every call. */
export interface Deferred { text: string, values: readonly unknown[] | undefined, prepare: boolean }

export interface Pending {
  text: string
  values: unknown[] | undefined
  config: QueryConfigLike | undefined
  resolve: (r: pg.QueryResult) => void
  reject: (e: unknown) => void
}

export type State = 'lazy' | 'open' | 'auto' | 'done'

/** One message's statements, and where the guard's and the settings' results are (-1: not sent). */
export interface Message { statements: string[], guardAt: number, settingsAt: number }

/**
 * The statements of the next message of a unit of work in `state`: `queued`, the deferred
 * writes it carries (already taken off the work's queue), then `batch`.
 */
export function composeMessage (state: State, opts: TxOptions, queued: readonly Deferred[], batch: readonly Pending[], preparing: Preparing): Message {
  const statements: string[] = []
  let guardAt = -1
  let settingsAt = -1
  let guard: string | undefined
  if (state === 'lazy') {
    if (!opts.readOnly) statements.push('BEGIN')
    statements.push(preparing.settings(settingsSql(opts.role, opts.orgId, opts.statementTimeoutMs, !opts.readOnly), statements))
    settingsAt = statements.length - 1
    const g = opts.guard
    if (g) guard = g.values ? preparing.execute(statementName(g.sql), g.sql, g.values) : g.sql
  } else if (state === 'auto') {
    statements.push(preparing.settings(settingsSql(opts.role, opts.orgId, opts.statementTimeoutMs), statements))
  }
  const deferred = queued.map((d) => d.prepare ? preparing.execute(statementName(d.text), d.text, d.values) : inlineParams(d.text, d.values))
  const texts = batch.map((p) => p.config?.prepareAs === undefined ? inlineParams(p.text, p.values) : preparing.execute(p.config.prepareAs, p.text, p.values))
  // PREPAREs after the settings (a statement is analysed under the role it runs as) and before
  // anything that may fail: a failed message leaves the ones before the failure made.
  statements.push(...preparing.prepares)
  if (guard !== undefined) {
    guardAt = statements.length
    statements.push(guard)
  }
  statements.push(...deferred, ...texts)
  return { statements, guardAt, settingsAt }
}
