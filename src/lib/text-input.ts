import type { FieldError } from './errors.js'

// Text a client sends must be storable as PostgreSQL text and jsonb: no NUL character (text
// refuses it outright) and well-formed Unicode (JSON may carry a lone surrogate such as
// "\ud800", which jsonb refuses and UTF-8 cannot encode). Refused here, at the edge, with the
// field named, instead of as a 500 from the database. Used by the central input check (every
// route's parsed body, query string and path parameters), by GraphQL for variables and inline
// literals, and by routes that parse raw text themselves (the CSV import).

/** Deeper JSON is refused: no wire shape nests past a handful of levels. */
export const MAX_DEPTH = 32

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const BAD = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

const hex = (c: number) => c.toString(16).toUpperCase().padStart(4, '0')

/** Why a string cannot be stored as text, or undefined when it can. */
export function textFault (s: string): string | undefined {
  const m = BAD.exec(s)
  if (!m) return undefined
  const code = m[0].charCodeAt(0)
  return code === 0
    ? 'must not contain the NUL character (U+0000)'
    : `must be valid Unicode: it contains an unpaired surrogate (U+${hex(code)}) at character ${m.index + 1}`
}

/**
 * Every string and field name inside a parsed JSON value that cannot be stored, named by its
 * path (`targets/1/body`; `base` for the value itself, `(body)` when there is none), and any
 * nesting deeper than MAX_DEPTH. Iterative, so no input can exhaust the stack.
 */
export function textFaults (value: unknown, base = ''): FieldError[] {
  const out: FieldError[] = []
  // `key` is set when the entry is an object's field, whose name is checked with its value.
  const stack: Array<{ v: unknown, path: string, depth: number, key?: string }> = [{ v: value, path: base, depth: 0 }]
  const join = (path: string, key: string | number) => (path ? `${path}/${key}` : String(key))
  while (stack.length) {
    const { v, path, depth, key } = stack.pop()!
    const keyFault = key === undefined ? undefined : textFault(key)
    if (keyFault) out.push({ path, message: `the field name ${keyFault}` })
    if (typeof v === 'string') {
      const fault = textFault(v)
      if (fault) out.push({ path: path || '(body)', message: fault })
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_DEPTH) {
        out.push({ path: path || '(body)', message: `nested deeper than ${MAX_DEPTH} levels` })
        continue
      }
      // Pushed in reverse, so errors come out in document order.
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, i), depth: depth + 1 })
      } else {
        const entries = Object.entries(v)
        for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i][1], path: join(path, entries[i][0]), depth: depth + 1, key: entries[i][0] })
      }
    }
  }
  return out
}
