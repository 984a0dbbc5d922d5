import t from 'tap'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import path from 'node:path'
import { projectRoot as ROOT } from '../../src/lib/project-files.js'

// The house rules for how modules reach each other are lint rules (eslint/module-boundaries.js):
// a shortcut must fail `npm test`, and the way in must pass. Each case lints a small file as if
// it stood at the given path in src/; `npm run lint` holds the whole tree to them.

interface Message { ruleId: string | null, message: string }

// One ESLint process for the whole file, linting each case through its Node API: a process per
// case re-read the config and the TypeScript parser every time (~5 s each, and past tap's
// timeout on a loaded CI machine). Its own process still, because the test loader is not ESLint's.
const SERVER = `
const { ESLint } = require(${JSON.stringify(path.join(ROOT, 'node_modules/eslint'))})
const eslint = new ESLint({ cwd: ${JSON.stringify(ROOT)} })
const rl = require('node:readline').createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  const { id, file, code } = JSON.parse(line)
  try {
    const [result] = await eslint.lintText(code, { filePath: file })
    process.stdout.write(JSON.stringify({ id, messages: result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })) }) + '\\n')
  } catch (err) {
    process.stdout.write(JSON.stringify({ id, error: String(err && err.stack || err) }) + '\\n')
  }
})
`
const child = spawn(process.execPath, ['-e', SERVER], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'inherit'] })
t.teardown(() => { child.stdin.end() })
const pending = new Map<number, (r: { messages?: Message[], error?: string }) => void>()
createInterface({ input: child.stdout }).on('line', (line) => {
  const r = JSON.parse(line) as { id: number, messages?: Message[], error?: string }
  pending.get(r.id)?.(r)
  pending.delete(r.id)
})
let nextId = 0

async function problems (file: string, code: string): Promise<string[]> {
  const id = nextId++
  const r = await new Promise<{ messages?: Message[], error?: string }>((resolve) => {
    pending.set(id, resolve)
    child.stdin.write(JSON.stringify({ id, file: path.join(ROOT, file), code }) + '\n')
  })
  if (r.error) throw new Error(r.error)
  return r.messages!.filter((m) => m.ruleId?.startsWith('herald/')).map((m) => `${m.ruleId}: ${m.message}`)
}

t.test("another module's repository or internals fail; its public.ts passes", async (t) => {
  const file = 'src/modules/campaigns/campaigns.example.ts'
  t.match(await problems(file, "import { createMembersRepository } from '../members/members.repository.js'\nexport { createMembersRepository }\n"),
    [/herald\/module-imports: Import the members module only through \.\.\/members\/public\.js/])
  t.match(await problems(file, "import { memberFitIssue } from '../members/member-fit.js'\nexport { memberFitIssue }\n"),
    [/herald\/module-imports/], 'internals too, not only repositories')
  t.same(await problems(file, "import { memberFitIssue } from '../members/public.js'\nexport { memberFitIssue }\n"), [])
  t.same(await problems(file, "import { campaignStatus } from './campaign-status.js'\nexport { campaignStatus }\n"), [], 'its own files are its own')
})

t.test("another module's tables: only read, only in a queries file", async (t) => {
  const code = "import { memberships } from '../../db/tables/members.js'\nexport { memberships }\n"
  t.match(await problems('src/modules/campaigns/campaigns.repository.ts', code),
    [/herald\/table-owners: The table memberships belongs to the members module/])
  t.same(await problems('src/modules/campaigns/campaigns.queries.ts', code), [], 'a queries file may read it')
  t.same(await problems('src/modules/members/members.repository.ts', code), [], 'the owner may write it')
  t.same(await problems('src/modules/campaigns/campaigns.schemas.ts', "import { CAMPAIGN_STATUSES } from '../../db/tables/campaigns.js'\nimport { PLATFORMS } from '../../db/tables/social-accounts.js'\nexport { CAMPAIGN_STATUSES, PLATFORMS }\n"), [],
    'constants beside the tables are free to use')
  t.match(await problems('src/modules/campaigns/campaigns.queries.ts', "import type { Database } from '../../db/client.js'\nimport { memberships } from '../../db/tables/members.js'\nexport const x = (db: Database) => db.delete(memberships)\n"),
    [/herald\/queries-read-only/], 'a queries file that writes fails')
  t.match(await problems('src/modules/campaigns/campaigns.queries.ts', 'export const sql = `UPDATE memberships SET role = \'owner\'`\n'),
    [/herald\/queries-read-only: A queries file only reads: this SQL writes/], 'raw SQL too')
})

t.test('nothing below the modules imports a module', async (t) => {
  t.match(await problems('src/lib/example.ts', "import { BRAND_EVENTS } from '../modules/brands/public.js'\nexport { BRAND_EVENTS }\n"),
    [/herald\/module-imports: Infrastructure/])
  t.same(await problems('src/lib/example.ts', "import { AppError } from './errors.js'\nexport { AppError }\n"), [])
})
