import pg from 'pg'

// The unit of work's own statement (the settings every round trip starts with), the statements
// it refuses (transaction control: it owns the transaction), and how its results are read
// (src/db/tx.ts).

export type DbRole = 'herald_app' | 'herald_auth' | 'herald_system'

/** Statements that begin or end a transaction (savepoints are allowed). */
export const TRANSACTION_CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|abort)\s*(;|$|\s+(work|transaction|and\b|isolation|read|deferrable|not))/i

/** A statement sent after its transaction ended (typically: the client disconnected). */
export class TransactionEndedError extends Error {
  constructor () { super('The transaction has already ended; nothing more can run in it.') }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The settings statement's last column when it asks for the transaction's start (see Tx.startedAt). */
const STARTED_AT = '(extract(epoch from now()::timestamptz(3)) * 1000)::float8'

/**
 * The settings statement: its text (one of four, a prepared statement's) and its values.
 * set_config(..., true) is SET LOCAL: it ends with the (implicit or explicit) transaction.
 */
export function settingsSql (role: DbRole, orgId: string | undefined, timeoutMs?: number, startedAt = false): { text: string, values: unknown[] } {
  if (orgId !== undefined && !UUID.test(orgId)) throw new Error('orgId must be a UUID')
  const parts = ["set_config('role', $1, true)", "set_config('app.org_id', $2, true)"]
  const values: unknown[] = [role, orgId ?? '']
  if (timeoutMs !== undefined) {
    parts.push("set_config('statement_timeout', $3, true)")
    values.push(String(Math.trunc(timeoutMs)))
  }
  if (startedAt) parts.push(STARTED_AT)
  return { text: `SELECT ${parts.join(', ')}`, values }
}

/** Array-mode rows as objects keyed by column name (what a statement's caller asked for unless it asked for arrays). */
export const asObjects = (r: pg.QueryResult): pg.QueryResult => {
  const names = r.fields.map((f) => f.name)
  return { ...r, rows: (r.rows as unknown[][]).map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]]))) }
}

/** Timestamps, dates and intervals as PostgreSQL's text, as drizzle expects (it maps them itself). */
export const DRIZZLE_TYPES = {
  getTypeParser: (() => {
    const raw = new Set([1184, 1114, 1082, 1186, 1231, 1115, 1185, 1187, 1182])
    return (id: number, format?: string) => raw.has(id) ? (v: string) => v : pg.types.getTypeParser(id, format as 'text')
  })()
}
