import { GraphQLError, Kind, TypeInfo, visit, visitWithTypeInfo, type ASTNode, type ArgumentNode, type FieldNode, type ValidationContext, type ValidationRule } from 'graphql'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../lib/pagination.js'

// Limits that refuse a query during validation, before any resolver (and so any SQL) runs.
// graphql-armor's rules report plain errors; they are tagged here with our stable code.
//
// Cost: graphql-armor multiplies a field's cost by its `first` argument, and each level of
// nesting by 1.5, so the cost follows the number of nodes a query can return. It reads only a
// literal `first`, though: an absent one (which pages by DEFAULT_LIMIT) or a variable (up to
// MAX_LIMIT) would count as 1. pageSized() fills those in before the cost is computed. With
// real page sizes counted, 2,000,000 admits e.g. 50 brands × 50 campaigns with their channels,
// or 10 brands × 10 campaigns × 20 content items with their targets, and refuses 200 × 200
// campaigns or three nested connections of 200.
export const LIMITS = { depth: 12, cost: 2_000_000, aliases: 15, directives: 20, tokens: 5000 } as const

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
  tagged(maxDepthRule({ n: LIMITS.depth, ignoreIntrospection: true })),
  tagged(pageSized(costLimitRule({ maxCost: LIMITS.cost, ignoreIntrospection: true }))),
  tagged(maxAliasesRule({ n: LIMITS.aliases })),
  tagged(maxDirectivesRule({ n: LIMITS.directives }))
]
