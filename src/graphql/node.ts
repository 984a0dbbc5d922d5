import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Ctx } from '../lib/context.js'
import { AppError } from '../lib/errors.js'
import { parseArgs } from './connection.js'

// Relay's Node: `node(id:)` fetches any object by its id. Herald's ids are UUIDs, unique across
// every table, so an object's REST id is already a global id: GraphQL and REST keep one id per
// object (an encoded "Type:uuid" id would have made every id differ between the two faces).
// Each module declares its node types (app.nodes.define, from its own index.ts) with its table's
// name and its service's get, which authorizes as the type's own query does.
//
// node(id:) is two statements: one finds which table holds the id (one UNION ALL, inside the
// tenant transaction, so row-level security and the organization filter both apply), then the
// type's own get reads it with its checks (scopes, brand access, clients and internal comments…).

export interface NodeType {
  /** The GraphQL type, which implements Node in schema.graphql. */
  type: string
  /** The module's table (a constant of the module, never input). */
  table: string
  get: (ctx: Ctx, id: string) => Promise<object>
}

export const NODE_TYPE = Symbol('herald.nodeType')

export function createNodeRegistry () {
  const types: NodeType[] = []
  return {
    define (node: NodeType): void {
      if (!/^[a-z_]+$/.test(node.table)) throw new Error(`not a table name: ${node.table}`)
      types.push(node)
    },
    get types (): readonly NodeType[] { return types },
    /** The object with this id, tagged with its type, or HERALD_NOT_FOUND. */
    async resolve (ctx: Ctx, rawId: unknown): Promise<object> {
      const id = parseArgs(z.uuid(), rawId)
      const notFound = () => new AppError('HERALD_NOT_FOUND', 'No object with this id in your organization.')
      if (!types.length) throw notFound()
      const union = sql.join(types.map((t, i) =>
        sql`select ${i}::int as n from ${sql.raw(t.table)} where id = ${id} and organization_id = ${ctx.actor.orgId}`), sql` union all `)
      const rows = await ctx.db.execute(sql`${union} limit 1`) as unknown as { rows?: Array<{ n: number }> } | Array<{ n: number }>
      const first = Array.isArray(rows) ? rows[0] : rows.rows?.[0]
      const type = first ? types[Number(first.n)] : undefined
      if (!type) throw notFound()
      return { ...(await type.get(ctx, id)), [NODE_TYPE]: type.type }
    }
  }
}
export type NodeRegistry = ReturnType<typeof createNodeRegistry>
