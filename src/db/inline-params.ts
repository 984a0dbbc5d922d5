import pgUtils from 'pg/lib/utils.js'

// pg's own text encoding of parameters and its literal quoting, so an inlined value is exactly
// what the extended protocol would have sent. (A static import, so that the bundle holds the
// same copy of pg as the rest: scripts/build.mjs.)
const { prepareValue, escapeLiteral } = pgUtils

/** A string with no quote and no backslash needs no escaping (pg's escapeLiteral would copy it char by char). */
const NEEDS_ESCAPE = /['\\]/

/** One value as a SQL literal (pg's text encoding, quoted): what a parameter would have sent. */
export function literal (value: unknown): string {
  const v = prepareValue(value)
  if (v === null) return 'NULL'
  if (Buffer.isBuffer(v)) return `'\\x${v.toString('hex')}'::bytea`
  return NEEDS_ESCAPE.test(v) ? escapeLiteral(v) : `'${v}'`
}

/** Where a statement's text may hold a parameter or something to copy untouched. */
const SPECIAL = /['"$]|--|\/\*/g
const PARAM = /\$(\d{1,7})/y
const DOLLAR_TAG = /\$[A-Za-z_][A-Za-z0-9_]*\$|\$\$/y

/**
 * The statement with its $n parameters written in as literals, so that several statements can
 * travel in one simple-protocol message. Quoted strings, quoted identifiers, comments and
 * dollar-quoted bodies are copied untouched. An untyped literal is resolved by PostgreSQL from
 * its context exactly as an untyped parameter is. The text between two special places is
 * copied as one slice (a statement of a nested page holds hundreds of ids: char by char, its
 * copy was 6 % of that request's allocations).
 */
export function inlineParams (text: string, values: readonly unknown[] | undefined): string {
  if (!values || values.length === 0) return text
  const n = text.length
  const parts: string[] = []
  let copied = 0
  const special = new RegExp(SPECIAL)
  let m: RegExpExecArray | null
  while ((m = special.exec(text)) !== null) {
    const i = m.index
    const c = m[0]
    let next: number
    if (c === "'" || c === '"') {
      let j = i + 1
      for (;;) {
        j = text.indexOf(c, j)
        if (j < 0) { j = n; break }
        if (text[j + 1] === c) { j += 2; continue }
        break
      }
      next = j + 1
    } else if (c === '--') {
      const j = text.indexOf('\n', i)
      next = j < 0 ? n : j
    } else if (c === '/*') {
      const j = text.indexOf('*/', i + 2)
      next = j < 0 ? n : j + 2
    } else {
      PARAM.lastIndex = i
      const param = PARAM.exec(text)
      if (param) {
        const index = Number(param[1]) - 1
        if (index < 0 || index >= values.length) throw new Error(`statement has no value for $${index + 1}`)
        parts.push(text.slice(copied, i), literal(values[index]))
        copied = next = i + param[0].length
      } else {
        DOLLAR_TAG.lastIndex = i
        const tag = DOLLAR_TAG.exec(text)
        if (tag) {
          const close = text.indexOf(tag[0], i + tag[0].length)
          next = close < 0 ? n : close + tag[0].length
        } else {
          next = i + 1
        }
      }
    }
    special.lastIndex = next
  }
  if (copied === 0) return text
  parts.push(text.slice(copied))
  return parts.join('')
}
