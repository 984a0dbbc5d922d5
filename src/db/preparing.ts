import type pg from 'pg'
import { statementName } from './client.js'
import { inlineParams, literal } from './inline-params.js'

// Server-side prepared statements for the unit of work (src/db/tx.ts): which statements each
// pooled connection holds, and how one message's statements become EXECUTEs (with the PREPAREs
// the connection still lacks). See the README's design note "Server-side prepared statements".

/** A prepared statement's plan outdated by a change of schema (a migration run by another instance). */
export const isOutdatedPlan = (err: unknown): boolean => (err as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test(String((err as { message?: unknown }).message))

/**
 * The statements each connection has prepared (PREPARE name AS …), by name. A name is the hash
 * of its text (client.ts, serverSide), so one name is always one statement.
 */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>()

/**
 * Statements a connection prepares at most; past it, a statement it does not hold runs with its
 * values inlined, as with DB_PREPARED_STATEMENTS=false. The hot statements are a few dozen;
 * the rest are shapes (a nested page's filters, sort and columns), whose number a client's
 * queries choose, and each prepared statement keeps its parsed query (and, once used enough,
 * its plan) in the connection's PostgreSQL backend until the connection closes.
 */
export const MAX_PREPARED_PER_CONNECTION = 200

/**
 * The server-side prepared statements of one message on one connection. A statement built once
 * (client.ts, serverSide) or a guard with values runs as EXECUTE of a statement the connection
 * prepared, PREPAREd in the same message the first time this connection sees it: PostgreSQL
 * then neither parses nor plans it again (planning was two thirds of PostgreSQL's time on a
 * get). Row-level security stays PostgreSQL's: a cached plan depends on the role it was made
 * under and is made again when run under another.
 */
export class Preparing {
  readonly prepares: string[] = []
  private readonly names: string[] = []
  private readonly known: Set<string>
  /** When observed (tests, benches): each EXECUTE as the SQL it stands for, values inlined. */
  readonly shown: Map<string, string> | undefined

  constructor (client: pg.PoolClient, observed: boolean, private readonly enabled = true) {
    this.shown = observed ? new Map() : undefined
    let known = preparedOn.get(client)
    if (!known) preparedOn.set(client, known = new Set())
    this.known = known
  }

  /** EXECUTE of the statement `name` with `values` inlined; PREPAREd first if the connection lacks it. */
  execute (name: string, text: string, values: readonly unknown[] | undefined): string {
    if (!this.enabled) return inlineParams(text, values)
    if (!this.known.has(name) && !this.names.includes(name)) {
      if (this.known.size + this.names.length >= MAX_PREPARED_PER_CONNECTION) return inlineParams(text, values)
      this.names.push(name)
      this.prepares.push(`PREPARE ${name} AS ${text}`)
    }
    const statement = values?.length ? `EXECUTE ${name}(${values.map(literal).join(', ')})` : `EXECUTE ${name}`
    this.shown?.set(statement, inlineParams(text, values))
    return statement
  }

  /**
   * The settings statement's EXECUTE; its PREPARE, when needed, goes into `statements` first
   * (the others' come after it: they are analysed under the role it sets). It touches no table.
   */
  settings ({ text, values }: { text: string, values: readonly unknown[] }, statements: string[]): string {
    const before = this.prepares.length
    const statement = this.execute(statementName(text), text, values)
    if (this.prepares.length > before) {
      statements.push(this.prepares.pop()!)
      this.leading++
    }
    return statement
  }

  /** PREPAREs sent ahead of the settings (counted apart: see Tx.send). */
  leading = 0

  /** The message that carried the PREPAREs succeeded: the connection holds them now. */
  made (): void {
    for (const n of this.names) this.known.add(n)
  }
}
