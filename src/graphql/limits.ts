import { GraphQLError, Kind, Lexer, Source, TokenKind, TypeInfo, visit, visitWithTypeInfo, type ASTNode, type ArgumentNode, type FieldNode, type ValidationContext, type ValidationRule } from 'graphql'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import { AppError } from '../lib/errors.js'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../lib/pagination.js'

// Limits that refuse a query before any resolver (and so any SQL) runs, each refusal carrying
// the stable code HERALD_QUERY_LIMIT from the place that refused it, never guessed from text.
//
// Cost: graphql-armor multiplies a field's cost by its `first` argument, and each level of
// nesting by 1.5, so the cost follows the number of nodes a query can return. It reads only a
// literal `first`, though: an absent one (which pages by DEFAULT_LIMIT) or a variable (up to
// MAX_LIMIT) would count as 1. pageSized() fills those in before the cost is computed. With
// real page sizes counted, 2,000,000 admits e.g. 50 brands × 50 campaigns with their channels,
// or 10 brands × 10 campaigns × 20 content items with their targets, and refuses 200 × 200
// campaigns or three nested connections of 200.
export const LIMITS = { depth: 12, cost: 2_000_000, aliases: 15, directives: 20, tokens: 5000 } as const

/**
 * graphql-armor's rules throw their error out of validation by default, which loses the
 * validation context (and so any code we could attach). With propagateOnRejection off they
 * call onReject instead, where the error is reported like any validation error, with our code.
 */
const rejection = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => {
    const tagged = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'HERALD_QUERY_LIMIT' } })
    // The context is null only outside validation (armor's envelop plugins), never here.
    if (!context) throw tagged
    context.reportError(tagged)
  }]
}

const firstArg = (size: number): ArgumentNode => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(size) } })

/** The document as the cost rule should see it: every paginated field with the page size it will get. */
export function withPageSizes<T extends ASTNode> (node: T, context: ValidationContext): T {
  const typeInfo = new TypeInfo(context.getSchema())
  return visit(node, visitWithTypeInfo(typeInfo, {
    Field (field: FieldNode) {
      if (!typeInfo.getFieldDef()?.args.some((a) => a.name === 'first')) return undefined
      const given = field.arguments?.find((a) => a.name.value === 'first')
      if (given?.value.kind === Kind.INT) return undefined
      const size = given?.value.kind === Kind.VARIABLE ? MAX_LIMIT : DEFAULT_LIMIT
      return { ...field, arguments: [...(field.arguments ?? []).filter((a) => a !== given), firstArg(size)] }
    }
  })) as T
}

function pageSized (rule: ValidationRule): ValidationRule {
  return (context: ValidationContext) => {
    const proxy = Object.create(context) as ValidationContext
    proxy.getFragment = (name) => {
      const fragment = context.getFragment(name)
      return fragment && withPageSizes(fragment, context)
    }
    const visitor = rule(proxy) as { OperationDefinition?: { enter?: (op: unknown) => void } }
    return { OperationDefinition: { enter: (op) => { visitor.OperationDefinition?.enter?.(withPageSizes(op, context)) } } }
  }
}

export const limitRules: ValidationRule[] = [
  maxDepthRule({ n: LIMITS.depth, ignoreIntrospection: true, ...rejection }),
  pageSized(costLimitRule({ maxCost: LIMITS.cost, ignoreIntrospection: true, ...rejection })),
  maxAliasesRule({ n: LIMITS.aliases, ...rejection }),
  maxDirectivesRule({ n: LIMITS.directives, ...rejection })
]

/**
 * The token limit, checked before parsing (a mercurius preParsing hook) so that it throws our
 * own error. graphql's parser enforces the same limit (maxTokens), but reports it as a plain
 * syntax error recognisable only by its wording. The lexer stops at the first token over the
 * limit, so an oversized document costs no more than a document at the limit.
 */
export function checkTokenLimit (source: string, max: number = LIMITS.tokens): void {
  const lexer = new Lexer(new Source(source))
  let count = 0
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) {
        throw new AppError('HERALD_QUERY_LIMIT', `Document contains more than ${max} tokens.`)
      }
    }
  } catch (err) {
    // A lexical error is the parser's to report, with its position.
    if (err instanceof AppError) throw err
  }
}
