// Herald's house rules for how modules reach each other (see CONTRIBUTING.md), as lint rules so
// that a mistake fails `npm test`:
// - module-imports: a module imports another module only through its public.ts; nothing
//   below the modules (src/lib, src/db, src/graphql, src/plugins) imports a module.
// - table-owners: a table is written by the module that owns it. Outside a *.queries.ts file a
//   module may import only its own tables (constants and types beside them are free); a
//   *.queries.ts file may read anyone's.
// - queries-read-only: a *.queries.ts file never writes (no insert/update/delete, in drizzle or
//   in raw SQL).
import path from 'node:path'

/** Which module owns (writes) which table, by the table's name in src/db/tables. */
export const TABLE_OWNERS = {
  organizations: ['organizations'],
  auth: ['users', 'refreshTokens'],
  members: ['memberships'],
  'api-keys': ['apiKeys'],
  events: ['events'],
  brands: ['brands'],
  'approval-policies': ['approvalPolicies'],
  'social-accounts': ['socialAccounts'],
  campaigns: ['campaigns', 'campaignChannels'],
  'content-items': ['contentItems', 'contentTargets', 'contentRevisions'],
  blackouts: ['brandBlackouts'],
  'approval-requests': ['approvalRequests', 'approvalDecisions'],
  'guest-review': ['approvalGuestLinks'],
  comments: ['contentComments'],
  crisis: ['crisisPlaybooks', 'crisisPlaybookVersions', 'incidents', 'incidentSteps', 'incidentEntries', 'brandPauses', 'crisisTriggerStates'],
  metrics: ['metricPoints'],
  publishing: ['publications', 'publicationTargets'],
  webhooks: ['webhookSubscriptions', 'webhookDeliveries', 'webhookAttempts']
}
const OWNER_OF = new Map(Object.entries(TABLE_OWNERS).flatMap(([module, tables]) => tables.map((t) => [t, module])))

const SRC = path.resolve(import.meta.dirname, '../src')
const MODULES = path.join(SRC, 'modules')
const TABLES = path.join(SRC, 'db', 'tables')

/** The module a file belongs to (src/modules/<module>/…), or null. */
function moduleOf (file) {
  const rel = path.relative(MODULES, file)
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null
  const [first, ...rest] = rel.split(path.sep)
  return rest.length ? first : null
}

function resolved (context, source) {
  if (!source.startsWith('.')) return null
  return path.resolve(path.dirname(context.filename), source).replace(/\.js$/, '.ts')
}

const isQueriesFile = (file) => file.endsWith('.queries.ts')

const moduleImports = {
  meta: { type: 'problem', docs: { description: "modules reach each other only through a module's public.ts" }, schema: [] },
  create (context) {
    const file = context.filename
    const own = moduleOf(file)
    const below = !own && ['lib', 'db', 'graphql', 'plugins'].some((d) => file.startsWith(path.join(SRC, d) + path.sep))
    function check (node) {
      if (!node.source) return
      const target = resolved(context, node.source.value)
      if (!target) return
      const other = moduleOf(target)
      if (below && (other || target.startsWith(MODULES + path.sep))) {
        context.report({ node: node.source, message: 'Infrastructure (src/lib, db, graphql, plugins) must not import a module: offer an extension point the module registers on instead.' })
      } else if (own && other && other !== own && path.basename(target) !== 'public.ts') {
        context.report({ node: node.source, message: `Import the ${other} module only through ../${other}/public.js (its repository and internals are its own).` })
      } else if (own && target === path.join(SRC, 'db', 'schema.ts')) {
        context.report({ node: node.source, message: 'Modules import the tables they use from src/db/tables/, not the barrel.' })
      }
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check }
  }
}

const tableOwners = {
  meta: { type: 'problem', docs: { description: 'a table is written only by its owner; others read it in a *.queries.ts file' }, schema: [] },
  create (context) {
    const file = context.filename
    const own = moduleOf(file)
    if (!own || isQueriesFile(file)) return {}
    return {
      ImportDeclaration (node) {
        const target = resolved(context, node.source.value)
        if (!target || path.dirname(target) !== TABLES) return
        for (const spec of node.specifiers) {
          const name = spec.imported?.name
          const owner = OWNER_OF.get(name)
          if (owner && owner !== own) {
            context.report({ node: spec, message: `The table ${name} belongs to the ${owner} module: call its service through ../${owner}/public.js, or read it in a ${own}.queries.ts file.` })
          }
        }
      }
    }
  }
}

const WRITE_SQL = /\b(insert\s+into|update\s+[\w".]+\s+set|delete\s+from|truncate)\b/i

const queriesReadOnly = {
  meta: { type: 'problem', docs: { description: '*.queries.ts files only read' }, schema: [] },
  create (context) {
    if (!isQueriesFile(context.filename)) return {}
    return {
      CallExpression (node) {
        const name = node.callee.type === 'MemberExpression' ? node.callee.property.name : null
        if (name === 'insert' || name === 'update' || name === 'delete') {
          context.report({ node, message: `A queries file only reads: ${name} belongs in the owner's repository, called through its service.` })
        }
      },
      TemplateElement (node) {
        if (WRITE_SQL.test(node.value.raw)) context.report({ node, message: 'A queries file only reads: this SQL writes.' })
      }
    }
  }
}

export default {
  meta: { name: 'herald' },
  rules: { 'module-imports': moduleImports, 'table-owners': tableOwners, 'queries-read-only': queriesReadOnly }
}
