import { AppError } from '../../lib/errors.js'

// CSV in (ingestion) and out (reports), RFC 4180: a header row, comma-separated, fields with a
// comma, quote or line break in double quotes (a quote doubled).

export const INGEST_COLUMNS = ['subjectType', 'subjectId', 'socialAccountId', 'metric', 'granularity', 'periodStart', 'value', 'currency', 'source', 'collectedAt'] as const
const REQUIRED = ['subjectType', 'subjectId', 'metric', 'granularity', 'periodStart', 'value', 'source', 'collectedAt']

function parseRows (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue }
      if (c === '"') { quoted = false; i++; continue }
      field += c; i++; continue
    }
    if (c === '"' && field === '') { quoted = true; i++; continue }
    if (c === ',') { row.push(field); field = ''; i++; continue }
    if (c === '\r' || c === '\n') {
      row.push(field); field = ''
      if (row.length > 1 || row[0] !== '') rows.push(row)
      row = []
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
      continue
    }
    field += c; i++
  }
  if (quoted) throw new AppError('HERALD_VALIDATION', 'The CSV ends inside a quoted field.', { errors: [{ path: '(body)', message: 'unterminated quote' }] })
  row.push(field)
  if (row.length > 1 || row[0] !== '') rows.push(row)
  return rows
}

/**
 * The points of an ingestion CSV as the JSON body would carry them (`{ points: [...] }`), so
 * both go through the same schema and name problems the same way (`points/<row>/<field>`,
 * rows counted from 0 after the header). An empty cell is an absent field.
 */
export function pointsFromCsv (text: string): { points: Array<Record<string, unknown>> } {
  const [header, ...rows] = parseRows(text.replace(/^\uFEFF/, ''))
  if (!header) throw new AppError('HERALD_VALIDATION', 'The CSV is empty: send a header row and one point per row.', { errors: [{ path: '(body)', message: 'no header row' }] })
  const names = header.map((h) => h.trim())
  const unknown = names.filter((n) => !(INGEST_COLUMNS as readonly string[]).includes(n))
  const missing = REQUIRED.filter((n) => !names.includes(n))
  if (unknown.length || missing.length) {
    throw new AppError('HERALD_VALIDATION', `The CSV header must name the columns ${INGEST_COLUMNS.join(', ')} (only socialAccountId and currency may be left out).`, {
      errors: [...unknown.map((n) => ({ path: `(header)/${n}`, message: 'unknown column' })), ...missing.map((n) => ({ path: `(header)/${n}`, message: 'missing column' }))]
    })
  }
  return {
    points: rows.map((cells) => {
      const point: Record<string, unknown> = {}
      names.forEach((n, j) => {
        const cell = (cells[j] ?? '').trim()
        if (cell === '') return
        point[n] = n === 'value' ? (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(cell) ? Number(cell) : cell) : cell
      })
      return point
    })
  }
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A client-ready file: the header row, then one line per row; null is an empty cell. */
export function toCsv (columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n'
}
