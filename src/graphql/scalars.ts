import { BREAK, GraphQLError, GraphQLScalarType, Kind, parse, print, visit, type ASTNode, type DocumentNode, type ValueNode } from 'graphql'
import { z } from 'zod'

// Dates on the GraphQL wire, as on REST: ISO-8601 text. `DateTime` is an RFC 3339 instant with
// `Z` or an offset (what REST's date-time strings are); `Date` a calendar day, YYYY-MM-DD.
//
// Parsing checks the form and hands resolvers the text as written, not a JS Date: the REST zod
// schemas the resolvers validate with (src/graphql/connection.ts parseArgs) take the same
// strings, so both faces keep accepting exactly the same values, and a local day never goes
// through a UTC Date and back. A bad value is refused during validation (a literal) or
// variable coercion with a GraphQLError carrying extensions.code HERALD_VALIDATION, which the
// error formatter keeps (src/plugins/graphql.ts).

const MAX_LENGTH = 64
const dateTimeText = z.iso.datetime({ offset: true }).max(MAX_LENGTH)
const dateText = z.iso.date()

const DATE_TIME_EXPECTED = 'an RFC 3339 date-time with Z or an offset, e.g. 2026-05-01T09:30:00Z'
const DATE_EXPECTED = 'a calendar date as YYYY-MM-DD, e.g. 2026-05-01'

/**
 * A refused value. Not a GraphQLError on purpose: graphql-js wraps other errors with the node
 * (a literal) or variable they came from, which names the place (scalarErrorPath), and copies
 * `extensions` (the code) onto its own error.
 */
export class ScalarError extends Error {
  readonly extensions: { code: 'HERALD_VALIDATION', scalar: string }
  constructor (name: string, expected: string, shown: string) {
    super(`${name} must be ${expected}; got ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}`)
    this.extensions = { code: 'HERALD_VALIDATION', scalar: name }
  }
}

const refuse = (name: string, expected: string, shown: string) => new ScalarError(name, expected, shown)

function parser (name: string, expected: string, check: z.ZodType<string>) {
  const parseValue = (value: unknown): string => {
    if (typeof value !== 'string' || !check.safeParse(value).success) throw refuse(name, expected, JSON.stringify(value) ?? String(value))
    return value
  }
  const parseLiteral = (node: ValueNode): string => {
    if (node.kind !== Kind.STRING) throw refuse(name, expected, print(node))
    return parseValue(node.value)
  }
  return { parseValue, parseLiteral }
}

/** An instant, written as ISO-8601 / RFC 3339 (`2026-05-01T09:30:00.000Z`). */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant as an RFC 3339 / ISO-8601 date-time with Z or an offset.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize (value: unknown): string {
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'string') return value
    throw new GraphQLError(`DateTime cannot represent ${String(value)}`)
  },
  ...parser('DateTime', DATE_TIME_EXPECTED, dateTimeText)
})

/** A calendar day (`2026-05-01`): no time, no zone (the brand's or campaign's own days). */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date as YYYY-MM-DD (ISO-8601), with no time or zone.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize (value: unknown): string {
    if (value instanceof Date) return value.toISOString().slice(0, 10)
    if (typeof value === 'string') return value
    throw new GraphQLError(`Date cannot represent ${String(value)}`)
  },
  ...parser('Date', DATE_EXPECTED, dateText)
})

/**
 * The scalars as mercurius resolvers: it copies every member onto the schema's types, so only
 * the functions are given (the descriptions are schema.graphql's, served as written).
 */
const functionsOf = (s: GraphQLScalarType) => ({ serialize: s.serialize, parseValue: s.parseValue, parseLiteral: s.parseLiteral })
export const scalarResolvers = { DateTime: functionsOf(DateTimeScalar), Date: functionsOf(DateScalar) }

const VALUE_KINDS = new Set<string>([Kind.STRING, Kind.INT, Kind.FLOAT, Kind.BOOLEAN, Kind.ENUM, Kind.LIST, Kind.OBJECT, Kind.NULL])

/** The names of the arguments and input fields from the operation down to a node. */
function argumentPath (ancestors: ReadonlyArray<unknown>): string[] {
  return ancestors.flatMap((a) => {
    const n = a as ASTNode
    return n && (n.kind === Kind.ARGUMENT || n.kind === Kind.OBJECT_FIELD) ? [n.name.value] : []
  })
}

/**
 * Where a refused DateTime/Date value was, named as REST-schema paths are in GraphQL
 * (src/graphql/connection.ts): the argument (`startsOnFrom`), or the field of an input object
 * (`startsOn`, `items/0/scheduledAt`), so an error names its place the same way whether the
 * scalar or the REST schema refused it. graphql-js reports a literal by its node and a variable
 * by its definition; both are found again in the document by their position.
 */
export function scalarErrorPath (err: GraphQLError): string | undefined {
  const at = err.nodes?.[0]?.loc?.start
  const body = err.source?.body
  if (at === undefined || body === undefined) return undefined
  let document: DocumentNode
  try {
    document = parse(body)
  } catch {
    return undefined
  }
  const variable = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value .*?(?: at "[^".[]+((?:\.[^".[]+|\[\d+\])+)")?; /s.exec(err.message)
  let found: string[] | undefined
  visit(document, {
    enter (node, _key, parent, _path, ancestors) {
      if (found) return BREAK
      if (variable && node.kind === Kind.VARIABLE && node.name.value === variable[1] && (parent as ASTNode | undefined)?.kind !== Kind.VARIABLE_DEFINITION) {
        found = argumentPath([...ancestors, parent])
        const inner = (variable[2] ?? '').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)
        found.push(...inner)
      } else if (!variable && node.loc?.start === at && VALUE_KINDS.has(node.kind)) {
        found = argumentPath([...ancestors, parent])
      }
      return undefined
    }
  })
  if (!found?.length) return undefined
  // Input objects are validated as REST bodies, whose paths start inside the body.
  if (found[0] === 'input' && found.length > 1) found.shift()
  return found.join('/')
}
