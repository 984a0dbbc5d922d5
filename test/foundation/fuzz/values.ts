// Hostile values and the encodings the fuzz test sends them in. Shared by the REST and the
// GraphQL generators.
import fc from 'fast-check'

/** Any UTF-16 code unit: NUL, control characters and lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))

/** Strings PostgreSQL cannot store, and the look-alikes around them. */
export const nastyString = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', 'ok\ud83d', '\udc00\ud800', '\u0000\u0000\u0000', '😀\u0000', '\\u0000', '%00'),
  fc.string({ unit: codeUnit, minLength: 1, maxLength: 12 }),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b + c)
)

/** Strings longer than any field allows, some of them multi-byte. */
export const hugeString = fc.tuple(fc.integer({ min: 1_000, max: 120_000 }), fc.constantFrom('x', 'é', '😀', ' ')).map(([n, c]) => c.repeat(n))

/** Nesting deeper than any wire shape: arrays or objects, 20 to 3,000 levels. */
export const deepValue = fc.tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = 'x'
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v }
  return v
})

/** A value of some other type than the field wants, or a hostile one of the same type. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 0.5, -0),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', 'null', 'true', '1e309', 'NaN', '2025-02-30', '2025-13-01T00:00:00Z', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', '-createdAt', 'javascript:alert(1)'),
  // Instants, dates and zones at and past the edges of what PostgreSQL and Temporal take.
  fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '1970-01-01T00:00:00+25:00', '2030-01-01T00:00:00.123456789Z', '2030-01-01', '0000-01-01', '2030-02-29', 'Etc/GMT+14', '../../etc/passwd', 'Europe/Paris ', 'EUROPE/PARIS', 'America/Argentina/ComodRivadavia'),
  nastyString,
  hugeString,
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), nastyString), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), nastyString), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  deepValue
)

/** A field name nobody declared: plain, hostile, or one that only looks like a prototype key. */
export const unknownKey = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.constantFrom('organizationId', 'version', 'id', 'createdAt', 'role', 'isAdmin', 'toString', 'hasOwnProperty', 'prototype', '__proto__x', ''),
  nastyString,
  fc.integer({ min: 200, max: 20_000 }).map((n) => 'k'.repeat(n))
)

/** Percent-encoding that keeps lone surrogates (as their WTF-8 bytes, which no UTF-8 decoder accepts). */
export function encode (s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff
    if (pair) {
      out += encodeURIComponent(s.slice(i, i + 2))
      i++
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')
    } else {
      out += encodeURIComponent(s[i])
    }
  }
  return out
}

/** A path segment that is not an id: encoded hostile text, or raw text a client got wrong. */
export const badSegment = fc.oneof(
  nastyString.map(encode),
  fc.string({ minLength: 1, maxLength: 40 }).map(encode),
  fc.constantFrom('not-a-uuid', '12345', '2147483648', '-2147483649', '99999999999999999999', '7d3f5c1e-2b4a-4e6f-9a8b-0c1d2e3f4a5bx', '7D3F5C1E-2B4A-4E6F-9A8B-0C1D2E3F4A5', '%', '%zz', '%E0%A4%A', '%C0%AF', '..', '%2e%2e', '%2F', 'null', '0', '-1', '1e9', '%20', '{id}'),
  fc.integer({ min: 37, max: 5_000 }).map((n) => 'a'.repeat(n))
)

/** Header values a client could send (visible ASCII: Node refuses anything else). */
export const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 })
