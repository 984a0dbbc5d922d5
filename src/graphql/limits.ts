import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'

// Limits that refuse a query during validation, before any resolver (and so any SQL) runs.
// graphql-armor's rules report plain errors; they are tagged here with our stable code.
export const LIMITS = { depth: 12, cost: 5000, aliases: 15, directives: 20, tokens: 5000 } as const

function tagged (rule: ValidationRule): ValidationRule {
  return (context: ValidationContext) => {
    const proxy = Object.create(context) as ValidationContext
    proxy.reportError = (error: GraphQLError) => {
      context.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
        nodes: error.nodes, extensions: { code: 'HERALD_QUERY_LIMIT' }
      }))
    }
    return rule(proxy)
  }
}

export const limitRules: ValidationRule[] = [
  tagged(maxDepthRule({ n: LIMITS.depth, ignoreIntrospection: true })),
  tagged(costLimitRule({ maxCost: LIMITS.cost, ignoreIntrospection: true })),
  tagged(maxAliasesRule({ n: LIMITS.aliases })),
  tagged(maxDirectivesRule({ n: LIMITS.directives }))
]
