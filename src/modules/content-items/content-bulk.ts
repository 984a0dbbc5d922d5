import { createRequire } from 'node:module'
import type { parse as Parse } from 'csv-parse/sync'
import { z } from 'zod'
import { AppError, type FieldError } from '../../lib/errors.js'
import { fieldErrorsOf } from '../../lib/http.js'
import { textFault } from '../../lib/text-input.js'
import { CreateContentItemBody, type CreateContentItemInput } from './content-items.schemas.js'

// Bulk creation input: a JSON body {items: [...]}, or a CSV of posts. Both end as the same
// list of CreateContentItemBody checked by the same schema, so the same rules and the same
// error paths (items/<i>/<field>) apply; for CSV every message also names the line.

// csv-parse is loaded by the first CSV import, not at start-up (~20 ms of it on a 2-core machine).
let csvParse: typeof Parse | undefined
const parse: typeof Parse = (...args: Parameters<typeof Parse>) => (csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof Parse }).parse)(...args)

export const MAX_BULK = 100

export const BulkBody = z.strictObject({ items: z.array(CreateContentItemBody).min(1).max(MAX_BULK) })

export const CSV_COLUMNS = [
  'brandId', 'campaignId', 'title', 'kind', 'body', 'link', 'hashtags', 'labels', 'firstComment',
  'assigneeId', 'socialAccountIds', 'scheduledAt', 'scheduledLocal', 'timeZone'
] as const

export function describe (errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 10).map((e) => `${e.path}: ${e.message}`).join('; ')
  return `${shown}${errors.length > 10 ? `; and ${errors.length - 10} more (see errors)` : ''}.`
}

const invalid = (errors: FieldError[]) => new AppError('HERALD_VALIDATION', describe(errors), { errors })

export function parseBulkJson (body: unknown): CreateContentItemInput[] {
  const parsed = BulkBody.safeParse(body)
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error))
  return parsed.data.items
}

interface CsvRecord { record: string[], info: { lines: number, empty_lines: number } }

/** The rows of a CSV of posts as bulk items, and the line each row starts on. */
export function parseBulkCsv (text: string): { items: CreateContentItemInput[], lines: number[] } {
  let records: CsvRecord[]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, info: true }) as unknown as CsvRecord[]
  } catch (err: any) {
    throw invalid([{ path: '(body)', message: `the CSV cannot be read: ${err?.message ?? 'malformed'}` }])
  }
  const [header, ...rows] = records
  if (!header) throw invalid([{ path: '(body)', message: 'the CSV is empty; send a header row and one row per post' }])
  const columns = header.record.map((c) => c.trim())
  const headerText = columns.flatMap((c, i): FieldError[] => {
    const fault = textFault(c)
    return fault ? [{ path: `columns/${i}`, message: `the column name ${fault} (CSV line ${header.info.lines})` }] : []
  })
  if (headerText.length) throw invalid(headerText)
  const headerErrors = columns.flatMap((c, i): FieldError[] => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) return [{ path: `columns/${c || i}`, message: `unknown column; the columns are ${CSV_COLUMNS.join(', ')}` }]
    return columns.indexOf(c) !== i ? [{ path: `columns/${c}`, message: 'column given twice' }] : []
  })
  if (headerErrors.length) throw invalid(headerErrors)
  if (rows.length === 0) throw invalid([{ path: 'items', message: 'the CSV has a header but no rows' }])
  if (rows.length > MAX_BULK) throw invalid([{ path: 'items', message: `at most ${MAX_BULK} rows per import (this has ${rows.length})` }])

  const lines: number[] = []
  // The route reads its body as raw text, so the central input check leaves it to us: a cell
  // PostgreSQL cannot store (a NUL character) is named by its row, CSV line and column.
  const textErrors: FieldError[] = []
  let previous = header.info
  const raw = rows.map(({ record, info }, row) => {
    const line = previous.lines + (info.empty_lines - previous.empty_lines) + 1
    lines.push(line)
    previous = info
    const item: Record<string, unknown> = {}
    columns.forEach((column, i) => {
      const cell = record[i] ?? ''
      const fault = textFault(cell)
      if (fault) textErrors.push({ path: `items/${row}/${column}`, message: `${fault} (CSV line ${line}, column ${column})` })
      if (cell.trim() === '') return
      if (column === 'hashtags') item.hashtags = cell.split(/\s+/).filter(Boolean)
      else if (column === 'labels') item.labels = cell.split(';').map((s) => s.trim()).filter(Boolean)
      else if (column === 'socialAccountIds') item.targets = cell.split(';').map((s) => s.trim()).filter(Boolean).map((socialAccountId) => ({ socialAccountId }))
      else item[column] = cell
    })
    return item
  })
  if (textErrors.length) throw invalid(textErrors)
  const parsed = BulkBody.safeParse({ items: raw })
  if (!parsed.success) throw withCsvLines(invalid(fieldErrorsOf(parsed.error)), lines)
  return { items: parsed.data.items, lines }
}

/** The same problem, with each item's message naming its CSV line. */
export function withCsvLines (err: AppError, lines: readonly number[]): AppError {
  if (!err.errors) return err
  const errors = err.errors.map((e) => {
    const row = /^items\/(\d+)(\/|$)/.exec(e.path)
    return row && lines[Number(row[1])] !== undefined ? { ...e, message: `${e.message} (CSV line ${lines[Number(row[1])]})` } : e
  })
  return new AppError(err.code, describe(errors), { errors, extra: err.extra, headers: err.headers })
}
