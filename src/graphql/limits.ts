import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext } from 'graphql'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import { AppError } from '../lib/errors.js'

// Limits that refuse a query before any resolver (and so any SQL) runs, each refusal carrying
// the stable code HERALD_QUERY_LIMIT from the place that refused it, never guessed from text.
export const LIMITS = { depth: 12, cost: 5000, aliases: 15, directives: 20, tokens: 5000 } as const

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

export const limitRules = [
  maxDepthRule({ n: LIMITS.depth, ignoreIntrospection: true, ...rejection }),
  costLimitRule({ maxCost: LIMITS.cost, ignoreIntrospection: true, ...rejection }),
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
