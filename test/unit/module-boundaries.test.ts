import t from 'tap'
import { execFile } from 'node:child_process'
import path from 'node:path'

// The house rules for how modules reach each other are lint rules (eslint/module-boundaries.js):
// a shortcut must fail `npm test`, and the way in must pass. Each case lints a small file as if
// it stood at the given path in src/; `npm run lint` holds the whole tree to them.

const ROOT = path.resolve(import.meta.dirname, '../..')

interface Result { filePath: string, messages: Array<{ ruleId: string | null, message: string }> }

/** ESLint as `npm test` runs it (its own process: the test loader is not ESLint's). */
async function eslint (args: string[], stdin?: string): Promise<Result[]> {
  return await new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout) => {
      try { resolve(JSON.parse(stdout)) } catch { reject(err ?? new Error(stdout)) }
    })
    if (stdin !== undefined) child.stdin!.end(stdin)
  })
}

async function problems (file: string, code: string): Promise<string[]> {
  const [result] = await eslint(['--stdin', '--stdin-filename', path.join(ROOT, file)], code)
  return result.messages.filter((m) => m.ruleId?.startsWith('herald/')).map((m) => `${m.ruleId}: ${m.message}`)
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
