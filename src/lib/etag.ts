import { AppError } from './errors.js'

export const etagOf = (version: number) => `"${version}"`

/**
 * Reads If-Match. Returns undefined when absent, '*' for any version, the version number for a
 * strong tag we issued, or NaN for anything else (which can never match: RFC 9110 compares
 * If-Match strongly, so weak tags fail too).
 */
export function parseIfMatch (header: string | string[] | undefined): number | '*' | undefined {
  if (header === undefined) return undefined
  const value = Array.isArray(header) ? header.join(',') : header
  if (value.trim() === '*') return '*'
  const tags = value.split(',').map((t) => t.trim())
  for (const tag of tags) {
    const m = /^"(\d{1,9})"$/.exec(tag)
    if (m) return Number(m[1])
  }
  return Number.NaN
}

export function preconditionFailed (current: number): AppError {
  return new AppError('HERALD_PRECONDITION_FAILED', `If-Match does not match the current version (${current}); read the resource again and retry.`, {
    extra: { currentVersion: current }
  })
}

/** Throws 412 when an expected version is given and differs from the current one. */
export function checkVersion (expected: number | '*' | undefined, current: number): void {
  if (expected === undefined || expected === '*') return
  if (expected !== current) throw preconditionFailed(current)
}
