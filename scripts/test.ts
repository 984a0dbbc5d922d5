// `npm test`'s runner: prepares one migrated template database, bundles the test files to
// JavaScript once (scripts/test-bundle.ts), then runs the bundled tap test files (two at a
// time, scripts/tap-runner.ts), each of which clones its own database from the template. Uses
// DATABASE_URL when set, otherwise an embedded PostgreSQL kept under .data/test (never the one
// `npm start` uses).
//
// `npx tsx scripts/test.ts [test/a.test.ts ...]`: the named files only.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js'
import { runMigrations } from '../src/db/migrate.js'
import { runFiles } from './tap-runner.js'
import { bundleTests } from './test-bundle.js'

function withDatabase (url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

/**
 * The Zapier integration (integrations/zapier) is its own package, as the Zapier CLI uploads it;
 * `npm test` installs its locked dependencies when they are missing, so that `npm ci && npm test`
 * on a fresh clone is still all it takes.
 */
function installZapierIntegration (): void {
  const dir = path.join(import.meta.dirname, '..', 'integrations', 'zapier')
  if (existsSync(path.join(dir, 'node_modules', 'zapier-platform-core'))) return
  console.log('# installing integrations/zapier (npm ci --prefix integrations/zapier)')
  const r = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('npm ci --prefix integrations/zapier failed')
}

const ROOT = path.resolve(import.meta.dirname, '..')

/** The TypeScript files below a directory of the checkout, relative to it ('test/x.test.ts'). */
function typescriptFiles (dir: string, skip?: RegExp): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !(skip?.test(f) ?? false))
}

/**
 * The test files to run: those named (`test/x.test.ts`), or all of them; longest first, so that
 * the ones that wait on servers and browsers do not start last and leave one job running alone
 * at the end. Each is run as its bundle and reported under its own name.
 */
function testFiles (args: string[], outdir: string): Array<{ path: string, name: string }> {
  const unknown = args.filter((a) => !a.endsWith('.test.ts'))
  if (unknown.length > 0) throw new Error(`scripts/test.ts takes test files (test/…/x.test.ts), not ${unknown.join(' ')}`)
  const missing = args.filter((a) => !existsSync(path.resolve(a)))
  if (missing.length > 0) throw new Error(`No such test file: ${missing.join(' ')}`)
  const files = args.length > 0 ? args.map((f) => path.relative(ROOT, path.resolve(f))) : typescriptFiles('test', /client-program\//).filter((f) => f.endsWith('.test.ts')).sort()
  const first = (f: string) => (LONG.some((l) => f.startsWith(l)) ? 0 : 1)
  files.sort((a, b) => first(a) - first(b))
  return files.map((f) => ({ path: path.join(outdir, f.replace(/\.ts$/, '.js')), name: f }))
}

/** Test files (or directories) that take a minute or more: started first. */
const LONG = ['test/browser/', 'test/contract/clients.test.ts', 'test/faults/', 'test/operations/built-server.test.ts']

/** Test files run at once (TEST_JOBS): 2 suits the 2-core machines, whose files often wait on servers. */
const JOBS = Number(process.env.TEST_JOBS ?? 2)
/**
 * tap's time-out for a test file (a fault test waits on real processes; CI runs two suites at
 * once), and the time after which the runner stops a file whatever it set for itself.
 */
const FILE_TIMEOUT_SECONDS = 240
const FILE_KILL_SECONDS = 900

async function main (): Promise<number> {
  installZapierIntegration()
  const config = loadConfig()
  let embedded: EmbeddedDatabase | undefined
  let adminUrl = config.databaseUrl
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'test'))
    adminUrl = embedded.url
  }
  const output: string[] = []
  const cleanups: Array<() => void> = []
  const template = `herald_tpl_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${template}`)
    await runMigrations(withDatabase(adminUrl, template))
    const outdir = path.join(ROOT, '.test-build', template)
    cleanups.push(() => rmSync(outdir, { recursive: true, force: true }))
    // The test files bundled once (scripts/test-bundle.ts), with src/server.ts, which the fault
    // tests start, into a directory of this run's own below the checkout (the two runs of
    // .ci/run share one checkout; the packages left outside resolve from its node_modules). A
    // test process then loads a few files, not ~900 modules: its CPU in one run ~660 s compiled
    // file by file, ~450 s bundled (2026-12-02, README "Tests"). They run with
    // --enable-source-maps: failures point into the TypeScript.
    const files = testFiles(process.argv.slice(2), outdir)
    await bundleTests(ROOT, [...files.map((f) => f.name), 'src/server.ts'], outdir)
    const code = await runFiles({
      files,
      jobs: JOBS,
      timeoutSeconds: FILE_TIMEOUT_SECONDS,
      killAfterSeconds: FILE_KILL_SECONDS,
      env: { ...process.env, HERALD_TEST_ADMIN_URL: adminUrl, HERALD_TEST_TEMPLATE: template, HERALD_TEST_BUILD: outdir, NODE_ENV: 'test' },
      write: (text) => { process.stdout.write(text); output.push(text) }
    })
    if (code !== 0) printFailures(output.join(''))
    return code
  } finally {
    // Drop the template and anything a crashed test file left behind.
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [`${template}_%`, template])
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {})
    await admin.end()
    await embedded?.stop()
    for (const c of cleanups) c()
  }
}

/**
 * Repeats every failed test with its diagnostics at the very end of the output, so that a CI log
 * that keeps only its tail (11,000 passing lines above) still says what failed and why.
 */
function printFailures (output: string): void {
  const lines = output.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok /.exec(lines[i])
    if (!m) continue
    out.push(lines[i])
    // The YAML block after a failed test point is indented two more spaces and ends with '...'.
    if (lines[i + 1]?.trim() === '---') {
      for (let j = i + 1; j < lines.length && j < i + 60; j++) {
        out.push(lines[j])
        if (lines[j].trim() === '...') break
      }
    }
  }
  console.log('\n# ==== failed tests (repeated from above) ====')
  console.log(out.length > 0 ? out.join('\n') : '# (tap failed without a failed test point: see the output above)')
}

main().then((code) => process.exit(code), (err) => {
  console.error(err)
  process.exit(1)
})
